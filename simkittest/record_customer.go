package simkittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Kinds of customer data a Recorder replaces with placeholders. They are
// also names for Recorder.Keep: keeping "iccid" keeps every ICCID, in
// fields and wherever one appears.
const (
	KindICCID          = "iccid"
	KindPhone          = "phone"
	KindEmail          = "email"
	KindName           = "name"
	KindPIN            = "pin"
	KindSerial         = "serial"
	KindActivationCode = "activation_code"
	KindLPA            = "lpa"
	KindQRURL          = "qr_url"
)

// customerFields maps field names (JSON keys, form fields and query
// parameters, lower-case; "filter[iccid]" counts as "iccid") to the kind of
// customer data they hold in these APIs.
var customerFields = map[string]string{
	"iccid": KindICCID, "sim_iccid": KindICCID,
	"phone": KindPhone, "phone_number": KindPhone, "msisdn": KindPhone, "number": KindPhone, "forwarding_number": KindPhone,
	"email": KindEmail, "customer_email": KindEmail,
	"first_name": KindName, "last_name": KindName, "full_name": KindName, "customer_name": KindName,
	"pin": KindPIN, "pin_code": KindPIN,
	"serial": KindSerial, "serial_number": KindSerial,
	"activate_code": KindActivationCode, "activation_code": KindActivationCode, "matching_id": KindActivationCode, "confirmation_code": KindActivationCode,
	"lpa": KindLPA, "download_link": KindLPA, "qr_code": KindLPA,
	"qrcode": KindQRURL, "qr_code_url": KindQRURL, "qrcode_url": KindQRURL, "qrcode_img_url": KindQRURL,
}

// Values recognised wherever they appear (paths, free text), whatever the
// field: ICCIDs (89 and 16 to 20 more digits), e-mail addresses, LPA
// activation strings and international phone numbers.
var (
	iccidPattern = regexp.MustCompile(`\b89\d{16,20}\b`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	lpaPattern   = regexp.MustCompile(`LPA:1\$[^"\s\\&?#]+`)
	phonePattern = regexp.MustCompile(`\+\d{8,15}\b`)
)

// placeholders gives every customer value one stable placeholder per
// recording, so the same ICCID or phone number reads the same in every
// exchange (and a replayed journey can pass it on), while the real value
// never reaches the fixture. Placeholders keep the value's shape (an ICCID
// stays 89 and digits of the same length) so the SDK's own validation
// accepts them on replay.
type placeholders struct {
	keep    map[string]bool
	byValue map[string]string
	isPH    map[string]bool // every placeholder handed out
	count   map[string]int
}

func newPlaceholders(keep []string) *placeholders {
	p := &placeholders{keep: map[string]bool{}, byValue: map[string]string{}, isPH: map[string]bool{}, count: map[string]int{}}
	for _, k := range keep {
		p.keep[strings.ToLower(k)] = true
	}
	return p
}

// kindOf is the kind of a value found under field (""): its shape wins
// over the field name, so an ICCID in serial_number stays ICCID-shaped.
func kindOf(field, v string) string {
	switch {
	case iccidPattern.FindString(v) == v:
		return KindICCID
	case strings.HasPrefix(v, "LPA:1$"):
		return KindLPA
	case emailPattern.FindString(v) == v:
		return KindEmail
	case phonePattern.FindString(v) == v:
		return KindPhone
	}
	return fieldKind(field)
}

// fieldKind is the kind of customer data a field holds: by its name, or by
// a part of it that always means one ("user_email", "default_forwarding_number").
func fieldKind(name string) string {
	if k, ok := customerFields[name]; ok {
		return k
	}
	switch {
	case strings.Contains(name, "email"):
		return KindEmail
	case strings.Contains(name, "phone"), strings.Contains(name, "msisdn"), strings.HasSuffix(name, "forwarding_number"):
		return KindPhone
	case strings.Contains(name, "iccid"):
		return KindICCID
	}
	return ""
}

// add registers v as customer data of kind and returns its placeholder.
func (p *placeholders) add(kind, v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 3 || kind == "" || p.keep[kind] {
		return v
	}
	if ph, ok := p.byValue[v]; ok {
		return ph
	}
	if p.isPH[v] {
		return v // already a placeholder (a replayed value recorded again)
	}
	var ph string
	if kind == KindLPA {
		// LPA:1$SM-DP+ address$matching id[$...]: the address is the
		// provider's, the matching id the customer's.
		parts := strings.Split(v, "$")
		if len(parts) >= 3 {
			parts[2] = p.add(KindActivationCode, parts[2])
			ph = strings.Join(parts, "$")
		}
	}
	if ph == "" {
		p.count[kind]++
		ph = shaped(kind, v, p.count[kind])
	}
	p.byValue[v], p.isPH[ph] = ph, true
	if kind == KindPhone && strings.HasPrefix(v, "+") {
		// Paths carry numbers without the plus (SMS reuse).
		p.byValue[v[1:]], p.isPH[ph[1:]] = ph[1:], true
	}
	return ph
}

// shaped builds the n-th placeholder of kind in v's shape.
func shaped(kind, v string, n int) string {
	digits := func(prefix string, total int) string {
		s := fmt.Sprint(n)
		if pad := total - len(prefix) - len(s); pad > 0 {
			s = strings.Repeat("0", pad) + s
		}
		return prefix + s
	}
	switch kind {
	case KindICCID:
		return digits("89", len(v))
	case KindPhone:
		if strings.HasPrefix(v, "+") && len(v) > 2 {
			return digits(v[:2], len(v))
		}
		return digits(v[:1], len(v))
	case KindEmail:
		return fmt.Sprintf("customer-%d@example.invalid", n)
	case KindName:
		return fmt.Sprintf("Customer %d", n)
	case KindQRURL:
		return fmt.Sprintf("https://qr.example.invalid/%d", n)
	case KindActivationCode:
		return fmt.Sprintf("ACTIVATION-CODE-%d", n)
	}
	return fmt.Sprintf("%s-%d", kind, n)
}

// scan registers every pattern-shaped customer value in free text s.
func (p *placeholders) scan(s string) {
	for _, m := range lpaPattern.FindAllString(s, -1) {
		p.add(KindLPA, m)
	}
	for _, m := range iccidPattern.FindAllString(s, -1) {
		p.add(KindICCID, m)
	}
	for _, m := range emailPattern.FindAllString(s, -1) {
		p.add(KindEmail, m)
	}
	for _, m := range phonePattern.FindAllString(s, -1) {
		p.add(KindPhone, m)
	}
}

// field registers the value of a named field: by the field's kind, unless
// the field is kept; free text in it is scanned for patterns either way
// except in a kept field.
func (p *placeholders) field(name, v string) {
	name = fieldName(name)
	if p.keep[name] {
		return
	}
	if kind := kindOf(name, v); kind != "" {
		p.add(kind, v)
		return
	}
	p.scan(v)
}

// fieldName lower-cases a field name and takes a bracketed parameter's
// innermost name: "filter[iccid]" is "iccid".
func fieldName(name string) string {
	name = strings.ToLower(name)
	if i := strings.LastIndex(name, "["); i >= 0 && strings.HasSuffix(name, "]") {
		name = name[i+1 : len(name)-1]
	}
	return name
}

// collect registers the customer data of one request or response.
func (p *placeholders) collect(h http.Header, path, rawQuery string, body []byte) {
	if u, err := url.PathUnescape(path); err == nil {
		path = u
	}
	p.scan(path)
	if formFields(h, rawQuery, body, p.field) {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		p.json("", v)
	} else {
		p.scan(string(body))
	}
}

// json walks a decoded JSON value. A "name" counts as a person's name in
// an object that also has an e-mail or phone (a user, a customer), not in
// a product or category.
func (p *placeholders) json(key string, v any) {
	switch t := v.(type) {
	case map[string]any:
		person := t["email"] != nil || t["phone"] != nil
		for k, val := range t {
			if person && strings.EqualFold(k, "name") && !p.keep[KindName] && !p.keep["name"] {
				if s, ok := val.(string); ok {
					p.add(KindName, s)
					continue
				}
			}
			p.json(k, val)
		}
	case []any:
		for _, val := range t {
			p.json(key, val)
		}
	case string:
		p.field(key, t)
	case json.Number:
		if kind := fieldKind(fieldName(key)); kind != "" && !p.keep[fieldName(key)] {
			p.add(kind, t.String())
		}
	}
}

// replacer returns a function replacing every registered value, in every
// encoding it can appear in (raw, JSON-escaped, query- and path-escaped),
// by its placeholder. Longer values go first, so one containing another is
// replaced whole; values shorter than 8 characters are replaced only as
// whole words, so a 4-digit PIN never rewrites a longer number.
func (p *placeholders) replacer() func(string) string {
	type pair struct{ old, new string }
	var long []pair
	var short []*regexp.Regexp
	var shortNew []string
	values := make([]string, 0, len(p.byValue))
	for v := range p.byValue {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		return len(values[i]) > len(values[j]) || len(values[i]) == len(values[j]) && values[i] < values[j]
	})
	for _, v := range values {
		ph := p.byValue[v]
		if ph == v {
			continue
		}
		if len(v) < 8 && isWordByte(v[0]) && isWordByte(v[len(v)-1]) {
			short = append(short, regexp.MustCompile(`\b`+regexp.QuoteMeta(v)+`\b`))
			shortNew = append(shortNew, ph)
			continue
		}
		seen := map[string]bool{}
		for _, enc := range []func(string) string{func(s string) string { return s }, jsonEscape, url.QueryEscape, url.PathEscape} {
			if o := enc(v); !seen[o] {
				seen[o] = true
				long = append(long, pair{o, enc(ph)})
			}
		}
	}
	sort.SliceStable(long, func(i, j int) bool { return len(long[i].old) > len(long[j].old) })
	args := make([]string, 0, 2*len(long))
	for _, pr := range long {
		args = append(args, pr.old, pr.new)
	}
	r := strings.NewReplacer(args...)
	return func(s string) string {
		s = r.Replace(s)
		for i, re := range short {
			s = re.ReplaceAllLiteralString(s, shortNew[i])
		}
		return s
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// jsonEscape is s as it appears inside a JSON string written by Go's
// encoder (which escapes <, > and &).
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// matchPath is a request path with every pattern-shaped customer value
// replaced by its kind, so a live request matches the recorded one whether
// it carries the real value or the fixture's placeholder.
func matchPath(path string) string {
	if u, err := url.PathUnescape(path); err == nil {
		path = u
	}
	return normalizePatterns(path)
}

func normalizePatterns(s string) string {
	s = lpaPattern.ReplaceAllLiteralString(s, "{lpa}")
	s = iccidPattern.ReplaceAllLiteralString(s, "{iccid}")
	s = emailPattern.ReplaceAllLiteralString(s, "{email}")
	return phonePattern.ReplaceAllLiteralString(s, "{phone}")
}

// matchQuery is redactQuery plus customer fields compared by presence.
func matchQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	for k, vs := range q {
		switch {
		case isSensitive(k):
			q[k] = []string{Redacted}
		case fieldKind(fieldName(k)) != "":
			q[k] = []string{"{" + fieldKind(fieldName(k)) + "}"}
		default:
			for i, v := range vs {
				vs[i] = normalizePatterns(v)
			}
		}
	}
	return q.Encode()
}
