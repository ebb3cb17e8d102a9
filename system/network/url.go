package network

import "net/url"

// URLHost is the host of an absolute URL, without its port ("" when it has
// none or does not parse): what Classify and the channel parsers take.
func URLHost(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// URLPath is the path of a URL, "/" when it has none or does not parse.
func URLPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}
