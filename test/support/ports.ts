// A port on 127.0.0.1 that refuses connections: bound, then closed (tests and benchmarks of an unreachable endpoint).
import * as net from "net";

export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
