package simkittest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The fakes check input by the providers' own rules, written here rather
// than borrowed from the client: a client validator that is wrong would
// otherwise be wrong on both sides of every test, and no test would notice.

// allDigits reports whether s is non-empty and only ASCII digits, as the
// SMS API's phone numbers and the providers' ICCIDs are written.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// providerICCID reports whether s is an ICCID the top-up API takes in a
// path: 17 to 22 digits (the provider's sandbox issues 17-digit ICCIDs,
// its examples use 20; ITU-T E.118 allows up to 22 with the check digit,
// which the provider does not verify).
func providerICCID(s string) bool {
	return len(s) >= 17 && len(s) <= 22 && allDigits(s)
}

// providerEmail reports whether s looks like the email the renewal API
// accepts: one "@" with something before it, a domain with a dot inside
// and a top-level part of at least two letters, no spaces or list
// separators, and no longer than an email address can be (254).
func providerEmail(s string) bool {
	if len(s) < 6 || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;") {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-2
}

// jsonScalar reads a JSON string or number as text, as a server that
// accepts either for an id does ("A-1" and 17 are both ids); null and
// absent read as "". Objects and arrays are an error. Strings are
// trimmed, as the eSIM Story API treats " " as blank.
func jsonScalar(raw json.RawMessage) (string, error) {
	t := strings.TrimSpace(string(raw))
	switch {
	case t == "" || t == "null":
		return "", nil
	case t[0] == '"':
		var s string
		if err := json.Unmarshal([]byte(t), &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case t[0] == '{' || t[0] == '[':
		return "", fmt.Errorf("expected a string or number, got %.20s", t)
	}
	return t, nil
}
