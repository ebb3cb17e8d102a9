package scenario

import (
	"go/parser"
	"go/token"
	"io/fs"
)

// DocComments maps "Type" and "Type.Field" to their doc comments, each on
// one line and a field's starting with its YAML name, for the Go files at
// the top of fsys: other knsim file formats (sweep files) generate their
// JSON Schemas' descriptions from their types as JSONSchema does.
func DocComments(fsys fs.FS) (map[string]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, e := range entries {
		src, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, e.Name(), src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		collectComments(f, out)
	}
	return out, nil
}
