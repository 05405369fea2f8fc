// Package redact hides customer data in what a program prints, with the
// same rule simkit keeps for its own errors, logs and recordings. It is a
// leaf package: a program that uses one provider masks its output without
// importing the others.
package redact

import "strings"

// Mask hides customer data before it reaches a log line, a printout or an
// example's output: an ICCID, a phone number, an LPA activation code (it
// installs the eSIM, so it is the end customer's credential), a PIN or an
// e-mail address. It keeps the last four characters, enough to tell values
// apart in a report ("****0123"); an e-mail keeps its first letter and its
// domain ("u***@example.com"). Values of eight characters or fewer are
// hidden entirely. simkit's own errors and logs never carry such values;
// Mask is for what your code prints about the orders it handles.
func Mask(s string) string {
	if at := strings.LastIndexByte(s, '@'); at > 0 && !strings.HasPrefix(s, "LPA:") {
		r := []rune(s[:at])
		return string(r[0]) + "***" + s[at:]
	}
	r := []rune(s)
	if len(r) <= 8 {
		return "****"
	}
	return "****" + string(r[len(r)-4:])
}
