package jsonx

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Marshal is json.Marshal that writes each Extra field's members back
// into its object, so a result kept as JSON (a cache, a remembered answer)
// and read back with Unmarshal still holds what the provider sent beyond
// simkit's model. Without any Extra member it returns json.Marshal's bytes.
func Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || v == nil {
		return b, err
	}
	rv := reflect.ValueOf(v)
	p := planFor(rv.Type())
	if p == nil {
		return b, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers keep their exact text
	var tree any
	if dec.Decode(&tree) != nil || !graft(tree, rv, p) {
		return b, nil
	}
	return json.Marshal(tree)
}

// Unmarshal is json.Unmarshal that also fills the Extra fields of v.
func Unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	KeepExtra(b, v, false)
	return nil
}

// graft adds the Extra members found in v to node, v's generic JSON
// form, and reports whether it added any.
func graft(node any, v reflect.Value, p *plan) bool {
	switch p.kind {
	case reflect.Pointer:
		if v.IsNil() {
			return false
		}
		return graft(node, v.Elem(), p.elem)
	case reflect.Slice, reflect.Array:
		list, ok := node.([]any)
		if !ok {
			return false
		}
		added := false
		for i := 0; i < len(list) && i < v.Len(); i++ {
			added = graft(list[i], v.Index(i), p.elem) || added
		}
		return added
	case reflect.Map:
		obj, ok := node.(map[string]any)
		if !ok || v.IsNil() {
			return false
		}
		added := false
		for k, child := range obj {
			if mv := v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())); mv.IsValid() {
				added = graft(child, mv, p.elem) || added
			}
		}
		return added
	case reflect.Struct:
		obj, ok := node.(map[string]any)
		if !ok {
			return false
		}
		added := false
		for name, f := range p.fields {
			child, present := obj[name]
			if f.sub == nil || !present {
				continue
			}
			if fv, err := v.FieldByIndexErr(f.index); err == nil {
				added = graft(child, fv, f.sub) || added
			}
		}
		if p.extra != nil {
			for k, raw := range v.FieldByIndex(p.extra).Interface().(map[string]json.RawMessage) {
				if _, taken := obj[k]; !taken && json.Valid(raw) {
					obj[k] = raw
					added = true
				}
			}
		}
		return added
	}
	return false
}
