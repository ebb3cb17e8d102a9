package subscription

import (
	"errors"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// runtimeConvert decodes an unstructured map into a typed value.
func runtimeConvert(raw map[string]any, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(raw, into)
}

// isUnknownKind reports whether err says the channel's kind is not served.
func isUnknownKind(err error) bool {
	var noMatch *meta.NoKindMatchError
	return errors.As(err, &noMatch) || meta.IsNoMatchError(err)
}
