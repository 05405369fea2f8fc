package simkittest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// handleSims serves GET /sims, the eSIM list of the Airalo partner v2
// shape the top-up API shares ("Get eSIMs list": page, limit up to 100,
// meta with current_page, last_page, per_page, total). simkit types no
// call for it; it is here so raw calls (Client.Do) meet the route as the
// provider serves it.
func (f *TopupsFake) handleSims(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit, ok := topupsPaging(w, q)
	if !ok {
		return
	}
	iccids := make([]string, 0, len(f.sims))
	for iccid := range f.sims {
		iccids = append(iccids, iccid)
	}
	slices.Sort(iccids)
	total := len(iccids)
	last := max(1, (total+limit-1)/limit)
	lo := total
	if page-1 <= total/limit { // compare before multiplying: no overflow
		lo = min((page-1)*limit, total)
	}
	hi := lo + min(limit, total-lo)
	data := make([]map[string]any, 0, hi-lo)
	for i, iccid := range iccids[lo:hi] {
		data = append(data, map[string]any{"id": 20000 + lo + i, "iccid": iccid})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]any{
			"message": "success", "current_page": page, "last_page": last,
			"per_page": limit, "total": total,
		},
	})
}

// topupsPaging reads page (from 1) and limit (1 to 100, default 50) as the
// provider's list endpoints do, answering its 422 for a bad value.
func topupsPaging(w http.ResponseWriter, q url.Values) (page, limit int, ok bool) {
	page, limit = 1, 50
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			topupsInvalid(w, "page", "The page must be at least 1.")
			return 0, 0, false
		}
		page = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			topupsInvalid(w, "limit", "The limit must be between 1 and 100.")
			return 0, 0, false
		}
		limit = n
	}
	return page, limit, true
}
