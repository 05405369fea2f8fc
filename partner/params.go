package partner

import (
	"net/url"
	"strconv"

	"github.com/simkit/simkit/apierror"
)

// Page-size limits the API documents; zero PerPage means the server default.
const (
	maxPerPageTransactions = 100
	maxPerPageCatalog      = 200
	maxPerPageOrders       = 100
)

// pageQuery starts a query with cursor and per_page, refusing a per_page
// outside 1..max (0 leaves the server default).
func pageQuery(op, cursor string, perPage, max int) (url.Values, error) {
	q := url.Values{}
	if perPage < 0 || perPage > max {
		return nil, apierror.Validation(Provider, op, "per_page must be between 1 and %d, got %d", max, perPage)
	}
	if perPage > 0 {
		q.Set("per_page", strconv.Itoa(perPage))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return q, nil
}

// setLocale adds locale when set, refusing an undocumented one.
func setLocale(q url.Values, op string, l Locale) error {
	if l == "" {
		return nil
	}
	if !l.Valid() {
		return apierror.Validation(Provider, op, "unknown locale %q (want en or ru)", string(l))
	}
	q.Set("locale", string(l))
	return nil
}

// setCategory adds category_id when set (0 means no filter).
func setCategory(q url.Values, op string, id int) error {
	if id < 0 {
		return apierror.Validation(Provider, op, "category_id must be positive, got %d", id)
	}
	if id > 0 {
		q.Set("category_id", strconv.Itoa(id))
	}
	return nil
}
