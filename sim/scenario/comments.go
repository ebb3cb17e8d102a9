package scenario

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"

	"github.com/invopop/jsonschema"
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

// ReflectSchema returns the JSON Schema (draft 2020-12) of v's type under
// title, with the descriptions DocComments reads from the Go files at the
// top of fsys, indented and ending in a newline: the form the
// docs/*.schema.json files hold. Required fields are those tagged
// jsonschema:"required".
func ReflectSchema(v any, title string, fsys fs.FS) ([]byte, error) {
	comments, err := DocComments(fsys)
	if err != nil {
		return nil, err
	}
	r := &jsonschema.Reflector{
		Anonymous:                  true,
		RequiredFromJSONSchemaTags: true,
		LookupComment: func(t reflect.Type, field string) string {
			if field == "" {
				return comments[t.Name()]
			}
			return comments[t.Name()+"."+field]
		},
	}
	s := r.Reflect(v)
	s.Title = title
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
