// gen-sdk generates the SDKs of the `zstack` Pulumi package from its schema with Pulumi's own code
// generators (pkg/v3 codegen/python and codegen/go). `pulumi package gen-sdk` cannot do it here: the
// CLI delegates generation to the language host, and the hosts we can build predate that call.
//
//	gen-sdk -schema schema.json -language python -out DIR [-version 1.2.3]
//
// The schema references no other package, so the loader refuses every package: a reference to
// another package is an error, never a download. DIR is replaced by the generated files.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-zstack-migration gen-sdk"

// refusingLoader is the package loader of a schema that references no other package.
type refusingLoader struct{ name string }

func (l refusingLoader) refuse(pkg string) error {
	return fmt.Errorf("the %s schema references package %q; gen-sdk loads no other package", l.name, pkg)
}

func (l refusingLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l refusingLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l refusingLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l refusingLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	language := flag.String("language", "", "python or go")
	out := flag.String("out", "", "output directory (replaced)")
	version := flag.String("version", "", "package version (overrides the schema's)")
	goImportBase := flag.String("go-import-base-path", "",
		"Go import path of the package (used when the schema's language.go has none)")
	goSDK := flag.String("go-pulumi-sdk", "v3.276.0",
		"the github.com/pulumi/pulumi/sdk/v3 version the generated go.mod requires")
	flag.Parse()
	if *schemaPath == "" || *out == "" || (*language != "python" && *language != "go") {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*schemaPath, *language, *out, *version, *goImportBase, *goSDK); err != nil {
		fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, out, version, goImportBase, goSDK string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	if version != "" {
		spec.Version = version
	}
	// The SDK carries the schema's version (pulumi-plugin.json, setup.py), so that a program asks the
	// engine for the plugin of that version.
	defaults := map[string]any{"respectSchemaVersion": true}
	if language == "go" && goImportBase != "" {
		defaults["importBasePath"] = goImportBase
	}
	if err := setLanguageDefaults(&spec, language, defaults); err != nil {
		return err
	}
	loader := refusingLoader{name: spec.Name}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema %s is invalid: %s", schemaPath, diags.Error())
	}
	var files map[string][]byte
	switch language {
	case "python":
		files, err = pygen.GeneratePackage(tool, pkg, nil, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	if language == "go" {
		if err := addGoMod(files, pkg, goSDK); err != nil {
			return err
		}
	}
	return writeFiles(out, files)
}

// setLanguageDefaults fills language.<language> settings the schema leaves out; the schema's own
// values win.
func setLanguageDefaults(spec *schema.PackageSpec, language string, defaults map[string]any) error {
	info := map[string]any{}
	if raw, ok := spec.Language[language]; ok && len(raw) > 0 {
		if err := json.Unmarshal(raw, &info); err != nil {
			return fmt.Errorf("language.%s: %w", language, err)
		}
	}
	for k, v := range defaults {
		if _, ok := info[k]; !ok {
			info[k] = v
		}
	}
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	spec.Language[language] = b
	return nil
}

// addGoMod adds the go.mod of the Go SDK: its module is the parent of the package's import path
// (the files are generated under <out>/<package>/), so a program uses it with one replace line.
func addGoMod(files map[string][]byte, pkg *schema.Package, pulumiSDK string) error {
	info, _ := pkg.Language["go"].(gogen.GoPackageInfo)
	if info.ImportBasePath == "" {
		return fmt.Errorf("the Go SDK needs language.go.importBasePath in the schema or -go-import-base-path")
	}
	module := path.Dir(info.ImportBasePath)
	files["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.23\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n",
		module, pulumiSDK))
	return nil
}

// writeFiles replaces dir by the generated files, through a sibling temporary directory, so that an
// interrupted run never leaves a half-written SDK.
func writeFiles(dir string, files map[string][]byte) error {
	dir = filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen-sdk: wrote %d files to %s\n", len(files), dir)
	return nil
}
