package gate

import (
	_ "embed"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// The schema's descriptions come from the doc comments of the types.
//
//go:embed types.go
var typesSource []byte

// SchemaTitle is the title of the generated JSON Schema.
const SchemaTitle = "knsim gate"

// JSONSchema returns the JSON Schema (draft 2020-12) of gate files,
// generated from the Go types and their doc comments; docs/gate.schema.json
// holds it (go run ./sim/gate/cmd/gateschema > docs/gate.schema.json). Load
// checks everything the schema checks, and the metric names besides.
func JSONSchema() ([]byte, error) {
	comments, err := typeComments()
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
	s := r.Reflect(&Gate{})
	s.Title = SchemaTitle
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// typeComments maps "Type" and "Type.Field" to their doc comments, on one
// line, with a field's Go name replaced by its YAML name.
func typeComments() (map[string]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "types.go", typesSource, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil {
				doc = gd.Doc
			}
			out[ts.Name.Name] = oneLine(doc)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				for _, name := range field.Names {
					text := oneLine(field.Doc)
					if field.Tag != nil {
						raw, _ := strconv.Unquote(field.Tag.Value)
						yamlName, _, _ := strings.Cut(reflect.StructTag(raw).Get("json"), ",")
						if rest, ok := strings.CutPrefix(text, name.Name+" "); ok && yamlName != "" {
							text = yamlName + " " + rest
						}
					}
					out[ts.Name.Name+"."+name.Name] = text
				}
			}
		}
	}
	return out, nil
}

func oneLine(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.Join(strings.Fields(g.Text()), " ")
}
