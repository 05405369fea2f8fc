package smsnumbers

import (
	"slices"
	"sort"
)

// proof is what the history proves about calls whose outcome was open:
// which made which order (or payment), which made none, and which stay
// unknown.
type proof struct {
	made    map[string]string // entry id -> order id
	none    []string          // entry ids that made nothing
	unknown []string          // entry ids nothing settles
	// grouped marks the calls of made paired within a group: each made
	// one of the group's orders, but which one is not known.
	grouped map[string]bool
	// left holds, for the calls of unknown, the candidates no other call
	// was proven to have made.
	left map[string][]string
}

// prove settles open calls from the unheld orders their windows could
// have made (cands: entry id -> order ids). It relies on what
// reconciliation states: every buyer goes through the fleet, so an order
// nobody holds was made by one of the open calls whose window covers it,
// and a call makes at most one order. It then applies, until nothing
// changes:
//
//   - a call no order could be from made nothing (a call that must have
//     made one, a done withdrawal whose answer named no payment, stays
//     unknown instead);
//   - a call that must have made one and has one candidate left made it;
//   - an order only one call could have made is that call's (its other
//     candidates are then someone else's or nobody's);
//   - a call left with one candidate that no other call shares made it;
//
// and finally, for a group of n calls that all share the same n
// candidates, each made one of them: which call made which cannot be
// known and does not matter to the books (every call of the group paid
// for one), so they are paired in order. Everything else stays unknown.
func prove(entries []string, cands map[string][]string, must map[string]bool) proof {
	p := proof{made: map[string]string{}, grouped: map[string]bool{}, left: map[string][]string{}}
	left := map[string][]string{}
	for _, e := range entries {
		left[e] = slices.Clone(cands[e])
	}
	byOrder := func() map[string][]string {
		m := map[string][]string{}
		for e, os := range left {
			for _, o := range os {
				m[o] = append(m[o], e)
			}
		}
		return m
	}
	take := func(e, o string) {
		p.made[e] = o
		delete(left, e)
		for x, os := range left {
			left[x] = slices.DeleteFunc(os, func(v string) bool { return v == o })
		}
	}
	for changed := true; changed; {
		changed = false
		for _, e := range sortedKeys(left) {
			switch {
			case len(left[e]) == 0 && must[e]:
				p.unknown = append(p.unknown, e)
				delete(left, e)
				changed = true
			case len(left[e]) == 0:
				p.none = append(p.none, e)
				delete(left, e)
				changed = true
			case len(left[e]) == 1 && must[e]:
				take(e, left[e][0])
				changed = true
			}
		}
		owners := byOrder()
		for _, o := range sortedKeys(owners) {
			if es := owners[o]; len(es) == 1 {
				if _, still := left[es[0]]; still {
					take(es[0], o)
					changed = true
				}
			}
		}
	}
	// Groups sharing the same candidates, as many as the calls.
	groups := map[string][]string{}
	for _, e := range sortedKeys(left) {
		os := slices.Clone(left[e])
		sort.Strings(os)
		key := ""
		for _, o := range os {
			key += o + "\x00"
		}
		groups[key] = append(groups[key], e)
	}
	for _, es := range groups {
		os := slices.Clone(left[es[0]])
		sort.Strings(os)
		if len(os) != len(es) || !closedGroup(os, es, left) {
			p.unknown = append(p.unknown, es...)
			for _, e := range es {
				p.left[e] = left[e]
			}
			continue
		}
		for i, e := range es {
			p.made[e] = os[i]
			p.grouped[e] = true
		}
	}
	sort.Strings(p.none)
	sort.Strings(p.unknown)
	return p
}

// closedGroup reports whether no call outside es could have made any of
// os, so the group's orders are its own.
func closedGroup(os, es []string, left map[string][]string) bool {
	for e, cand := range left {
		if slices.Contains(es, e) {
			continue
		}
		for _, o := range cand {
			if slices.Contains(os, o) {
				return false
			}
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
