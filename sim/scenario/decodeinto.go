package scenario

import (
	"fmt"
	"reflect"
	"strings"
)

// Positions says where each field path of a file decoded by DecodeYAML was
// written, so that problems found after decoding (validation) point into
// the file too.
type Positions struct{ d *decoder }

// Errorf returns a problem at path, placed where path (or the nearest
// enclosing path that was written) is in the file.
func (p *Positions) Errorf(path, format string, args ...any) *Error {
	e := &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
	p.d.place(e)
	return e
}

// DecodeYAML decodes one YAML document into v, a pointer to a struct, the
// way scenario files are decoded: json tags name the fields, unknown
// fields, repeated keys and wrong types are errors at file:line:column, and
// durations, distributions and Kubernetes quantities read as in scenarios.
// Other file formats of knsim (sweep files) use it so their errors read
// alike. kind names the file's format in the message for an empty file.
// The error, if any, is an ErrorList in file order.
func DecodeYAML(name, kind string, data []byte, v any) (*Positions, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("DecodeYAML needs a pointer to a struct, got %T", v)
	}
	root, errs := parseDocument(name, data, documentMessages{
		empty:      "the file is empty; expected a " + kind,
		twoDocs:    "a " + kind + ` holds one YAML document; remove the "---"`,
		notMapping: "a mapping (a " + kind + ")",
	})
	if errs != nil {
		return nil, errs
	}
	d := newDecoder(name)
	d.lines = strings.Split(string(data), "\n")
	d.pos[""] = markOf(root)
	d.decode(root, rv.Elem(), "")
	if len(d.errs) > 0 {
		d.errs.sort()
		return nil, d.errs
	}
	return &Positions{d: d}, nil
}
