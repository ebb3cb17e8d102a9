package eventing

import "errors"

// ErrBodyTooLarge is returned (wrapped) by a real shell when a request body
// exceeds its limit; ingress cores answer it with 413 Request Entity Too Large.
var ErrBodyTooLarge = errors.New("request body too large")
