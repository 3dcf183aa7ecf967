package survey

import (
	"embed"
	"fmt"
	"io/fs"
)

// builtinFS holds the definitions shipped in the binary.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinSurveyFiles are the embedded survey definitions, in load order.
var builtinSurveyFiles = []string{"skm.yaml", "layanan-digital.yaml", "asn.yaml"}

// builtinCatalogFile is the embedded example services catalog.
const builtinCatalogFile = "catalog.yaml"

// BuiltinPrefix marks the File of embedded definitions ("builtin:skm.yaml").
const BuiltinPrefix = "builtin:"

// BuiltinSurveys loads the embedded survey definitions (skm,
// layanan-digital, asn). Each call returns fresh values.
func BuiltinSurveys() ([]*Survey, error) {
	out := make([]*Survey, 0, len(builtinSurveyFiles))
	for _, name := range builtinSurveyFiles {
		data, err := BuiltinSource(name)
		if err != nil {
			return nil, err
		}
		s, err := LoadSurvey(BuiltinPrefix+name, data)
		if err != nil {
			return nil, fmt.Errorf("built-in survey %s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// BuiltinSource returns the YAML text of an embedded definition, e.g.
// "skm.yaml" or "catalog.yaml", so operators can copy and adapt it.
func BuiltinSource(name string) ([]byte, error) {
	data, err := fs.ReadFile(builtinFS, "builtin/"+name)
	if err != nil {
		return nil, fmt.Errorf("built-in definition %q: %w", name, err)
	}
	return data, nil
}

// BuiltinCatalog returns the embedded example services catalog of Kota
// Solok. It panics if the embedded file is invalid, which the tests rule out.
func BuiltinCatalog() *Catalog {
	data, err := BuiltinSource(builtinCatalogFile)
	if err != nil {
		panic(err)
	}
	c, err := LoadCatalog(BuiltinPrefix+builtinCatalogFile, data)
	if err != nil {
		panic(fmt.Sprintf("built-in catalog is invalid: %s", err))
	}
	return c
}
