package smsnumbers

import (
	"slices"
	"sort"
)

// mustKey marks, for groupSettle, a done call whose answer named no
// payment: it made exactly one of its candidates.
const mustKey = "\x00must"

// groupOutcome is what groupSettle proves about calls prove left unknown.
type groupOutcome struct {
	made  map[string]string // entry id -> payment id
	none  []string          // entry ids that made nothing
	still []string          // entry ids that stay unknown
	// excess are the payments of groups holding more payments than
	// calls: at least that many were made outside the fleet, and which
	// ones cannot be known.
	excess []string
}

// groupSettle settles calls that are interchangeable for the books. The
// calls prove left unknown fall into groups that share candidates (left:
// entry id -> payments no other call was proven to have made); no call
// outside a group can have made its payments. key says which calls are
// interchangeable: the same non-empty key for calls told the outcome is
// unknown whose window closed long ago and whose subject (amount,
// method, payment system, receiver's hash) is the same; mustKey for done
// calls that made one; "" for calls that are neither (they keep their
// whole group unknown). In a group of n such calls whose combined
// window holds k payments, k ≤ n, every payment was made by one of the
// calls and each made at most one, so exactly k of the lost calls made
// one (less the done ones) and the rest made nothing: which of the
// interchangeable calls did cannot be known and does not change the
// books. They are paired by a matching that respects every call's
// window; when none covers all payments, or k > n, the group stays
// unknown (k > n: some payments were made outside the fleet).
func groupSettle(unknown []string, left map[string][]string, key map[string]string) groupOutcome {
	out := groupOutcome{made: map[string]string{}}
	for _, es := range components(unknown, left) {
		lostKey, ok := "", true
		var musts, lost []string
		pays := map[string]bool{}
		for _, e := range es {
			for _, o := range left[e] {
				pays[o] = true
			}
			switch k := key[e]; {
			case k == mustKey:
				musts = append(musts, e)
			case k == "" || (lostKey != "" && k != lostKey):
				ok = false
			default:
				lostKey = k
				lost = append(lost, e)
			}
		}
		if len(pays) > len(es) {
			out.excess = append(out.excess, sortedKeys(pays)...)
		}
		if !ok || len(lost) == 0 || len(pays) > len(es) || len(pays) < len(musts) {
			out.still = append(out.still, es...)
			continue
		}
		// The done calls are matched first so that each keeps one.
		match := matching(append(musts, lost...), left)
		if len(match) != len(pays) || slices.ContainsFunc(musts, func(e string) bool { _, m := match[e]; return !m }) {
			out.still = append(out.still, es...)
			continue
		}
		for _, e := range es {
			if o, m := match[e]; m {
				out.made[e] = o
			} else {
				out.none = append(out.none, e)
			}
		}
	}
	sort.Strings(out.none)
	sort.Strings(out.still)
	return out
}

// components splits calls into groups linked by shared candidates.
func components(calls []string, left map[string][]string) [][]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == x {
			return x
		}
		parent[x] = find(parent[x])
		return parent[x]
	}
	owner := map[string]string{}
	for _, e := range calls {
		parent[e] = e
	}
	for _, e := range calls {
		for _, o := range left[e] {
			if first, seen := owner[o]; seen {
				parent[find(e)] = find(first)
			} else {
				owner[o] = e
			}
		}
	}
	byRoot := map[string][]string{}
	for _, e := range calls {
		byRoot[find(e)] = append(byRoot[find(e)], e)
	}
	out := make([][]string, 0, len(byRoot))
	for _, r := range sortedKeys(byRoot) {
		out = append(out, byRoot[r])
	}
	return out
}

// matching pairs calls with candidates (augmenting paths, calls in
// order: a call matched stays matched), at most one each.
func matching(calls []string, left map[string][]string) map[string]string {
	byPay := map[string]string{}
	var try func(e string, seen map[string]bool) bool
	try = func(e string, seen map[string]bool) bool {
		for _, o := range left[e] {
			if seen[o] {
				continue
			}
			seen[o] = true
			if other, taken := byPay[o]; !taken || try(other, seen) {
				byPay[o] = e
				return true
			}
		}
		return false
	}
	for _, e := range calls {
		try(e, map[string]bool{})
	}
	out := map[string]string{}
	for o, e := range byPay {
		out[e] = o
	}
	return out
}
