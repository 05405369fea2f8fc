package jsonx

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// ExtraField is the name of the field in which a result type keeps the
// members of the provider's object it does not model. Its type is
// map[string]json.RawMessage with the tag `json:"-"`; an `extra:"a,b"`
// tag on it names keys the type's own UnmarshalJSON reads besides its
// fields (aliases), so they do not count as unknown.
const ExtraField = "Extra"

var rawMessageMap = reflect.TypeOf(map[string]json.RawMessage(nil))

// KeepExtra fills the Extra fields of out (a pointer to what body was
// just decoded into, at any depth: slices, pointers, struct fields and
// map values are followed) with the members of each object that no field
// of its type reads. With report set it also returns each unknown member
// as "Type.member" (the Go type's name and the JSON name, in body order,
// repeats included); otherwise nil. It reads body once, allocates only
// for what it keeps, and does nothing for types holding no Extra field; a
// body that does not match out's shape is walked as far as it matches.
// It never fails: decoding already succeeded, and the extras are a bonus.
func KeepExtra(body []byte, out any, report bool) []string {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	p := planFor(v.Type())
	if p == nil {
		return nil
	}
	w := walker{b: body, report: report}
	w.value(w.skipWS(0), v, p)
	return w.found
}

// plan says where Extra fields can be found inside values of one type;
// a nil *plan means none can.
type plan struct {
	kind reflect.Kind
	elem *plan // pointer, slice, array and map elements
	// structs:
	typeName string
	fields   map[string]field // by JSON name
	folded   map[string]field // by lower-case JSON name, as encoding/json matches
	extra    []int            // index of the Extra field; nil when none
	// names and byName are fields in declaration order: providers tend
	// to send members in that order, so lookup tries the one after the
	// last match first and a typical answer needs no hashing.
	names  []string
	byName []field
}

// nameAt returns the JSON name at position hint, "" past the end.
func (p *plan) nameAt(hint int) string {
	if hint < len(p.names) {
		return p.names[hint]
	}
	return ""
}

// lookup finds key's field: the hinted position, then exact names, then
// encoding/json's case-insensitive match.
func (p *plan) lookup(key []byte, hint int) (field, int, bool) {
	if hint < len(p.names) && p.names[hint] == string(key) {
		return p.byName[hint], hint + 1, true
	}
	for i, n := range p.names {
		if len(n) == len(key) && n == string(key) {
			return p.byName[i], i + 1, true
		}
	}
	f, ok := p.folded[strings.ToLower(string(key))]
	return f, hint, ok
}

type field struct {
	index []int
	sub   *plan // nil: nothing to keep inside
}

var plans sync.Map // reflect.Type -> *plan (nil stored as (*plan)(nil))

// planFor returns t's plan, built once per type.
func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := build(t, map[reflect.Type]*plan{})
	plans.Store(t, p)
	return p
}

// build makes t's plan; building holds the struct plans being built, so
// a recursive type ends (conservatively kept).
func build(t reflect.Type, building map[reflect.Type]*plan) *plan {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		if e := build(t.Elem(), building); e != nil {
			return &plan{kind: t.Kind(), elem: e}
		}
		return nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil
		}
		if e := build(t.Elem(), building); e != nil {
			return &plan{kind: reflect.Map, elem: e}
		}
		return nil
	case reflect.Struct:
	default:
		return nil
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &plan{kind: reflect.Struct, typeName: t.Name(), fields: map[string]field{}, folded: map[string]field{}}
	building[t] = p
	holds := false
	var add func(st reflect.Type, prefix []int)
	add = func(st reflect.Type, prefix []int) {
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			idx := append(append([]int(nil), prefix...), i)
			tag := f.Tag.Get("json")
			if f.Name == ExtraField && f.Type == rawMessageMap && tag == "-" && len(prefix) == 0 {
				p.extra = idx
				holds = true
				for _, alias := range strings.Split(f.Tag.Get("extra"), ",") {
					if alias != "" {
						p.fields[alias] = field{}
						p.folded[strings.ToLower(alias)] = field{}
						p.names = append(p.names, alias)
						p.byName = append(p.byName, field{})
					}
				}
				continue
			}
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft, idx) // encoding/json inlines an untagged embedded struct
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fp := field{index: idx, sub: build(f.Type, building)}
			if fp.sub != nil {
				holds = true
			}
			if _, dup := p.fields[name]; !dup {
				p.fields[name] = fp
				p.names = append(p.names, name)
				p.byName = append(p.byName, fp)
			}
			if _, dup := p.folded[strings.ToLower(name)]; !dup {
				p.folded[strings.ToLower(name)] = fp
			}
		}
	}
	add(t, nil)
	if !holds {
		delete(building, t)
		return nil
	}
	return p
}

// walker reads one JSON body alongside the value it was decoded into.
type walker struct {
	b      []byte
	report bool
	found  []string // "Type.member", when report is set
}

// value walks the JSON value at b[i:] into v per p and returns the index
// after it.
func (w *walker) value(i int, v reflect.Value, p *plan) int {
	if i >= len(w.b) {
		return i
	}
	switch p.kind {
	case reflect.Pointer:
		if v.IsNil() {
			return w.skip(i)
		}
		return w.value(i, v.Elem(), p.elem)
	case reflect.Slice, reflect.Array:
		if w.b[i] != '[' {
			return w.skip(i)
		}
		return w.array(i, v, p.elem)
	case reflect.Map:
		if w.b[i] != '{' || v.IsNil() {
			return w.skip(i)
		}
		return w.members(i, func(key []byte, j int) int {
			mv := v.MapIndex(reflect.ValueOf(string(key)))
			if !mv.IsValid() {
				return w.skip(j)
			}
			cp := reflect.New(mv.Type()).Elem()
			cp.Set(mv)
			end := w.value(j, cp, p.elem)
			v.SetMapIndex(reflect.ValueOf(string(key)), cp)
			return end
		})
	case reflect.Struct:
		return w.object(i, v, p)
	}
	return w.skip(i)
}

// array walks the elements of the array at b[i:] into v's elements.
func (w *walker) array(i int, v reflect.Value, elem *plan) int {
	i = w.skipWS(i + 1)
	for n := 0; i < len(w.b) && w.b[i] != ']'; n++ {
		if n < v.Len() {
			i = w.value(i, v.Index(n), elem)
		} else {
			i = w.skip(i)
		}
		i = w.skipWS(i)
		if i < len(w.b) && w.b[i] == ',' {
			i = w.skipWS(i + 1)
		}
	}
	return i + 1
}

// object walks the object at b[i:] into the struct v: members with a
// field are walked into it (or skipped when nothing inside can hold
// extras), the others kept in v's Extra. It returns the index after the
// object. A plain loop rather than members with a callback: this runs for
// every answer, once per member.
func (w *walker) object(i int, v reflect.Value, p *plan) int {
	b := w.b
	if b[i] != '{' {
		return w.skip(i)
	}
	var extra map[string]json.RawMessage
	hint := 0
	i = w.skipWS(i + 1)
	for i < len(b) && b[i] == '"' {
		var key []byte
		var end int
		var f field
		var ok bool
		if n := p.nameAt(hint); n != "" && i+1+len(n) < len(b) && b[i+1+len(n)] == '"' && string(b[i+1:i+1+len(n)]) == n {
			// The member the declaration order predicts: compared in
			// place, without scanning its name.
			key, end, f, ok = b[i+1:i+1+len(n)], i+2+len(n), p.byName[hint], true
			hint++
		} else {
			key, end = w.key(i)
			f, hint, ok = p.lookup(key, hint)
		}
		i = w.skipWS(end)
		if i < len(b) && b[i] == ':' {
			i = w.skipWS(i + 1)
		}
		switch {
		case ok && f.sub == nil:
			i = w.skip(i)
		case ok:
			i = w.value(i, v.FieldByIndex(f.index), f.sub)
		default:
			end := w.skip(i)
			if p.extra != nil {
				if extra == nil {
					extra = map[string]json.RawMessage{}
				}
				extra[string(key)] = append(json.RawMessage(nil), b[i:end]...)
				if w.report {
					w.found = append(w.found, p.typeName+"."+string(key))
				}
			}
			i = end
		}
		i = w.skipWS(i)
		if i < len(b) && b[i] == ',' {
			i = w.skipWS(i + 1)
		}
	}
	if p.extra != nil && v.CanSet() {
		if fv := v.FieldByIndex(p.extra); extra != nil || !fv.IsNil() {
			fv.Set(reflect.ValueOf(extra))
		}
	}
	return i + 1
}

// members calls member with each key (unquoted) of the object at b[i:]
// and the index of its value, which member walks or skips and returns the
// index after; for maps, whose keys are data.
func (w *walker) members(i int, member func(key []byte, j int) int) int {
	i = w.skipWS(i + 1)
	for i < len(w.b) && w.b[i] == '"' {
		key, end := w.key(i)
		i = w.skipWS(end)
		if i < len(w.b) && w.b[i] == ':' {
			i = w.skipWS(i + 1)
		}
		i = w.skipWS(member(key, i))
		if i < len(w.b) && w.b[i] == ',' {
			i = w.skipWS(i + 1)
		}
	}
	return i + 1
}

// key reads the member name starting at b[i] and returns it unquoted
// with the index after it. A plain name (the usual case) is a slice of
// the body; one with escapes is unquoted by encoding/json.
func (w *walker) key(i int) ([]byte, int) {
	b := w.b
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return b[i+1 : j], j + 1
			}
			var s string
			if json.Unmarshal(b[i:j+1], &s) == nil {
				return []byte(s), j + 1
			}
			return b[i+1 : j], j + 1
		}
	}
	return b[i+1:], len(b)
}

// skip returns the index after the JSON value at b[i:].
func (w *walker) skip(i int) int {
	if i >= len(w.b) {
		return i
	}
	switch w.b[i] {
	case '"':
		return w.skipString(i)
	case '{', '[':
		depth := 0
		for ; i < len(w.b); i++ {
			switch w.b[i] {
			case '"':
				i = w.skipString(i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for ; i < len(w.b); i++ {
		switch w.b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at b[i]. A
// plain loop: keys and most values are short, where a wider scan's setup
// costs more than it saves.
func (w *walker) skipString(i int) int {
	b := w.b
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

func (w *walker) skipWS(i int) int {
	for i < len(w.b) {
		switch w.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
