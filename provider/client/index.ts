export * from "./auth";
export * from "./client";
export * from "./clock";
export * from "./endpoints";
export * from "./errors";
export * from "./redact";
export * from "./schemas";
export * from "./time";
export { DEFAULT_RETRY, RetryPolicy, TlsOptions } from "./transport";
