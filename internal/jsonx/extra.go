package jsonx

import (
	"bytes"
	"encoding/binary"
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
	w.value(ws(body, 0), v, p)
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
	extra    []int            // index of the Extra field; nil when none
	// members are the fields in declaration order: providers tend to send
	// members in that order, so the walk tries the one after the last
	// match first and a typical answer needs neither hashing nor a scan of
	// the name. quoted holds every member's name in quotes, back to back,
	// so comparing names touches few cache lines.
	members []member
	keys    []key // members' keys, same order
	quoted  []byte
	folded  map[string]int // index in members by lower-case JSON name, as encoding/json matches
}

// member is one JSON name of a struct, ready to be compared with a body
// in place: its key (in plan.keys, apart so that a search reads few cache
// lines) is the first eight bytes of the quoted name, so a short name is
// one comparison of a word.
type member struct {
	size int // quoted length
	at   int // offset in plan.quoted
	field
}

// key is the first eight bytes of a quoted member name, as a
// little-endian word, and which of them count.
type key struct{ head, mask uint64 }

// find returns the index of the member whose name starts at b[i] (its
// opening quote), comparing names in place and trying the predicted
// member hint first, then the ones after it (a provider leaves out
// members but rarely reorders them), then the ones before; -1 when none
// matches.
func (p *plan) find(b []byte, i, hint int) int {
	if i+8 > len(b) {
		for k := range p.members {
			m := &p.members[k]
			if e := i + m.size; e <= len(b) && string(b[i:e]) == string(p.quoted[m.at:m.at+m.size]) {
				return k
			}
		}
		return -1
	}
	w := binary.LittleEndian.Uint64(b[i:])
	for k := hint; k < len(p.keys); k++ {
		if w&p.keys[k].mask == p.keys[k].head && p.rest(k, b, i) {
			return k
		}
	}
	for k := 0; k < hint && k < len(p.keys); k++ {
		if w&p.keys[k].mask == p.keys[k].head && p.rest(k, b, i) {
			return k
		}
	}
	return -1
}

// rest reports whether the bytes of member k's quoted name past its key
// follow at b[i+8:].
func (p *plan) rest(k int, b []byte, i int) bool {
	m := &p.members[k]
	if m.size <= 8 {
		return true
	}
	e := i + m.size
	return e <= len(b) && string(b[i+8:e]) == string(p.quoted[m.at+8:m.at+m.size])
}

// named finds the member named key (unquoted: a name the body spells
// with escapes, or in another case), by exact name and then by
// encoding/json's case-insensitive match; -1 when no field reads it.
func (p *plan) named(key []byte) int {
	for k := range p.members {
		m := &p.members[k]
		if m.size == len(key)+2 && string(p.quoted[m.at+1:m.at+m.size-1]) == string(key) {
			return k
		}
	}
	if k, ok := p.folded[strings.ToLower(string(key))]; ok {
		return k
	}
	return -1
}

// compile lays out p's members from its fields' names in declaration
// order.
func (p *plan) compile(names []string, fields []field) {
	p.members = make([]member, len(names))
	p.keys = make([]key, len(names))
	p.folded = make(map[string]int, len(names))
	for k, n := range names {
		// A body that escapes part of a name does not match here and
		// is read by folding.
		q := append(append([]byte{'"'}, n...), '"')
		var word [8]byte
		copy(word[:], q)
		var mask uint64
		for j := range min(len(q), 8) {
			mask |= 0xff << (8 * j)
		}
		p.keys[k] = key{head: binary.LittleEndian.Uint64(word[:]), mask: mask}
		p.members[k] = member{size: len(q), at: len(p.quoted), field: fields[k]}
		p.quoted = append(p.quoted, q...)
		if _, dup := p.folded[strings.ToLower(n)]; !dup {
			p.folded[strings.ToLower(n)] = k
		}
	}
}

type field struct {
	index []int
	sub   *plan // nil: nothing to keep inside
}

// of returns f's field of the struct v; false when an embedded pointer
// on the way is nil (then nothing was decoded into it).
func (f *field) of(v reflect.Value) (reflect.Value, bool) {
	if len(f.index) == 1 {
		return v.Field(f.index[0]), true
	}
	fv, err := v.FieldByIndexErr(f.index)
	return fv, err == nil
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
	p := &plan{kind: reflect.Struct, typeName: t.Name(), fields: map[string]field{}}
	building[t] = p
	holds := false
	var names []string
	var byName []field
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
						names = append(names, alias)
						byName = append(byName, field{})
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
				names = append(names, name)
				byName = append(byName, fp)
			}
		}
	}
	add(t, nil)
	p.compile(names, byName)
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
			return skipValue(w.b, i)
		}
		return w.value(i, v.Elem(), p.elem)
	case reflect.Slice, reflect.Array:
		if w.b[i] != '[' {
			return skipValue(w.b, i)
		}
		return w.array(i, v, p.elem)
	case reflect.Map:
		if w.b[i] != '{' || v.IsNil() {
			return skipValue(w.b, i)
		}
		return w.mapMembers(i, v, p.elem)
	case reflect.Struct:
		return w.object(i, v, p)
	}
	return skipValue(w.b, i)
}

// array walks the elements of the array at b[i:] into v's elements.
func (w *walker) array(i int, v reflect.Value, elem *plan) int {
	b := w.b
	n, decoded := 0, v.Len()
	for i = ws(b, i+1); i < len(b) && b[i] != ']'; n++ {
		if n < decoded {
			i = w.value(i, v.Index(n), elem)
		} else {
			i = skipValue(b, i)
		}
		if i = ws(b, i); i < len(b) && b[i] == ',' {
			i = ws(b, i+1)
		}
	}
	return i + 1
}

// object walks the object at b[i:] into the struct v: members with a
// field are walked into it (or skipped when nothing inside can hold
// extras), the others kept in v's Extra. It returns the index after the
// object. This runs for every answer, once per member: the member the
// declaration order predicts is compared in place, and reflection is used
// only for fields that can hold extras and for the Extra field itself.
func (w *walker) object(i int, v reflect.Value, p *plan) int {
	b := w.b
	if b[i] != '{' {
		return skipValue(b, i)
	}
	var extra map[string]json.RawMessage
	hint := 0
	for i = ws(b, i+1); i < len(b) && b[i] == '"'; {
		var key []byte
		var f *field
		if k := p.find(b, i, hint); k >= 0 {
			f, i, hint = &p.members[k].field, i+p.members[k].size, k+1
		} else {
			key, i = w.key(i)
			if k := p.named(key); k >= 0 {
				f = &p.members[k].field
			}
		}
		if i = ws(b, i); i < len(b) && b[i] == ':' {
			i = ws(b, i+1)
		}
		switch {
		case f == nil:
			end := skipValue(b, i)
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
		case f.sub == nil:
			i = skipValue(b, i)
		default:
			if fv, ok := f.of(v); ok {
				i = w.value(i, fv, f.sub)
			} else {
				i = skipValue(b, i)
			}
		}
		if i = ws(b, i); i < len(b) && b[i] == ',' {
			i = ws(b, i+1)
		}
	}
	if p.extra != nil && v.CanSet() {
		// A value walked again (decoded into twice) loses extras the new
		// body does not have.
		if fv := v.Field(p.extra[0]); extra != nil || !fv.IsNil() {
			fv.Set(reflect.ValueOf(extra))
		}
	}
	return i + 1
}

// mapMembers walks the members of the object at b[i:] into the values of
// the map v, whose keys are data.
func (w *walker) mapMembers(i int, v reflect.Value, elem *plan) int {
	b := w.b
	for i = ws(b, i+1); i < len(b) && b[i] == '"'; {
		var key []byte
		key, i = w.key(i)
		if i = ws(b, i); i < len(b) && b[i] == ':' {
			i = ws(b, i+1)
		}
		k := reflect.ValueOf(string(key))
		if mv := v.MapIndex(k); mv.IsValid() {
			cp := reflect.New(mv.Type()).Elem()
			cp.Set(mv)
			i = w.value(i, cp, elem)
			v.SetMapIndex(k, cp)
		} else {
			i = skipValue(b, i)
		}
		if i = ws(b, i); i < len(b) && b[i] == ',' {
			i = ws(b, i+1)
		}
	}
	return i + 1
}

// key reads the member name starting at b[i] and returns it unquoted
// with the index after it. A plain name (the usual case) is a slice of
// the body; one with escapes is unquoted by encoding/json.
func (w *walker) key(i int) ([]byte, int) {
	end := skipString(w.b, i)
	if end > len(w.b) || w.b[end-1] != '"' || end-i < 2 {
		return w.b[i+1:], len(w.b)
	}
	name := w.b[i+1 : end-1]
	if bytes.IndexByte(name, '\\') >= 0 {
		var s string
		if json.Unmarshal(w.b[i:end], &s) == nil {
			return []byte(s), end
		}
	}
	return name, end
}
