package fielderr

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one validation failure, or (when built by Also or Via*) a set
// of them. A nil *FieldError means "no error"; every method accepts nil.
type FieldError struct {
	// Message says what is wrong, e.g. "missing field(s)".
	Message string
	// Paths are the offending fields, relative to the validated object.
	Paths []string
	// Details is optional extra text, printed on the next line.
	Details string

	// errs holds accumulated errors; a set has an empty Message itself.
	errs []FieldError
}

// ErrMissingField reports required fields that are unset.
func ErrMissingField(paths ...string) *FieldError {
	return &FieldError{Message: "missing field(s)", Paths: paths}
}

// ErrDisallowedFields reports fields that may not be set here.
func ErrDisallowedFields(paths ...string) *FieldError {
	return &FieldError{Message: "must not set the field(s)", Paths: paths}
}

// ErrInvalidValue reports a bad value at path; details, if any, say why.
func ErrInvalidValue(value any, path string, details ...string) *FieldError {
	return &FieldError{
		Message: fmt.Sprint("invalid value: ", value),
		Paths:   []string{path},
		Details: strings.Join(details, ", "),
	}
}

// ErrOutOfBoundsValue reports a value outside [lower, upper].
func ErrOutOfBoundsValue(value, lower, upper any, path string) *FieldError {
	return &FieldError{
		Message: fmt.Sprintf("expected %v <= %v <= %v", lower, value, upper),
		Paths:   []string{path},
	}
}

// ErrMultipleOneOf reports that several of mutually exclusive fields are set.
func ErrMultipleOneOf(paths ...string) *FieldError {
	return &FieldError{Message: "expected exactly one, got both", Paths: paths}
}

// ErrMissingOneOf reports that none of mutually exclusive fields is set.
func ErrMissingOneOf(paths ...string) *FieldError {
	return &FieldError{Message: "expected exactly one, got neither", Paths: paths}
}

// ErrGeneric reports a free-form message at paths.
func ErrGeneric(message string, paths ...string) *FieldError {
	return &FieldError{Message: message, Paths: paths}
}

// ErrDisallowedUpdate reports that an immutable field changed; diff (as
// printed by cmp.Diff) becomes the details so the user sees what changed.
func ErrDisallowedUpdate(path, diff string) *FieldError {
	return &FieldError{Message: "Immutable fields changed (-old +new)", Paths: []string{path}, Details: diff}
}

// ViaField prefixes every path with prefix (joined by dots), as a validator
// does when returning a nested field's errors.
func (fe *FieldError) ViaField(prefix ...string) *FieldError {
	flat := fe.flatten()
	if len(flat) == 0 {
		return nil
	}
	for i := range flat {
		paths := make([]string, len(flat[i].Paths))
		for j, p := range flat[i].Paths {
			paths[j] = join(append(slices.Clone(prefix), p))
		}
		flat[i].Paths = paths
	}
	return &FieldError{errs: flat}
}

// ViaIndex prefixes every path with "[i]".
func (fe *FieldError) ViaIndex(i int) *FieldError {
	return fe.ViaField("[" + strconv.Itoa(i) + "]")
}

// ViaFieldIndex prefixes every path with "field[i]".
func (fe *FieldError) ViaFieldIndex(field string, i int) *FieldError {
	return fe.ViaIndex(i).ViaField(field)
}

// Also returns fe together with errs; nil entries are skipped and the result
// is nil when nothing is left.
func (fe *FieldError) Also(errs ...*FieldError) *FieldError {
	all := fe.flatten()
	for _, e := range errs {
		all = append(all, e.flatten()...)
	}
	if len(all) == 0 {
		return nil
	}
	return &FieldError{errs: all}
}

// Err returns fe as an error, or a nil error when there is none, so callers
// never return a typed nil inside a non-nil error interface.
func (fe *FieldError) Err() error {
	if len(fe.flatten()) == 0 {
		return nil
	}
	return fe
}

// Error prints one "message: path, path" line per distinct message (details
// on the following line), merging paths that share a message and sorting
// everything so that output is deterministic.
func (fe *FieldError) Error() string {
	merged := merge(fe.flatten())
	lines := make([]string, 0, len(merged))
	for _, e := range merged {
		line := e.Message + ": " + strings.Join(e.Paths, ", ")
		if e.Details != "" {
			line += "\n" + e.Details
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// flatten returns copies of the leaf errors, so callers may edit them freely.
func (fe *FieldError) flatten() []FieldError {
	if fe == nil {
		return nil
	}
	var out []FieldError
	if fe.Message != "" {
		out = append(out, FieldError{Message: fe.Message, Paths: slices.Clone(fe.Paths), Details: fe.Details})
	}
	for i := range fe.errs {
		out = append(out, fe.errs[i].flatten()...)
	}
	return out
}

// merge combines errors with the same message and details, then sorts.
func merge(errs []FieldError) []FieldError {
	var out []FieldError
	for _, e := range errs {
		i := slices.IndexFunc(out, func(o FieldError) bool { return o.Message == e.Message && o.Details == e.Details })
		if i < 0 {
			out = append(out, e)
			continue
		}
		out[i].Paths = append(out[i].Paths, e.Paths...)
	}
	for i := range out {
		slices.Sort(out[i].Paths)
		out[i].Paths = slices.Compact(out[i].Paths)
	}
	slices.SortFunc(out, func(a, b FieldError) int {
		if c := strings.Compare(a.Message, b.Message); c != 0 {
			return c
		}
		return strings.Compare(a.Details, b.Details)
	})
	return out
}

// join dot-joins path parts, attaching "[i]" parts to the part before them
// and dropping empty parts (a path of "" means the current field).
func join(parts []string) string {
	var out []string
	for _, part := range parts {
		for _, p := range strings.Split(part, ".") {
			switch {
			case p == "":
			case strings.HasPrefix(p, "[") && len(out) > 0:
				out[len(out)-1] += p
			default:
				out = append(out, p)
			}
		}
	}
	return strings.Join(out, ".")
}
