package simkittest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// TopupsOutside is a top-up another client submitted on the account.
type TopupsOutside struct {
	// ICCID defaults to TopupsSeedICCID; PackageID to the eSIM's first
	// top-up package; Description (the other client's reference) to a
	// fresh "outside-..." text.
	ICCID       string `json:"iccid"`
	PackageID   string `json:"package_id"`
	Description string `json:"description"`
}

// SubmitOutside charges a top-up as another client would, through the
// fake's own rules (known eSIM, package from its list, balance), and
// returns the description it was filed under.
func (f *TopupsFake) SubmitOutside(t TopupsOutside) (string, error) {
	if t.ICCID == "" {
		t.ICCID = TopupsSeedICCID
	}
	if t.Description == "" {
		t.Description = "outside-" + randomUUID()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.PackageID == "" {
		if s := f.sim(t.ICCID); s != nil && len(s.packages) > 0 {
			t.PackageID = s.packages[0].ID
		}
	}
	form := url.Values{"package_id": {t.PackageID}, "iccid": {t.ICCID}, "description": {t.Description}}
	req := httptest.NewRequest(http.MethodPost, "/customer/v2/orders/topups", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	f.handleSubmitTopup(rec, req)
	if rec.Code/100 != 2 {
		var body struct {
			Meta struct {
				Message string `json:"message"`
			} `json:"meta"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return "", fmt.Errorf("%w: %d %s%s", ErrOutsideCall, rec.Code, body.Meta.Message, body.Message)
	}
	return t.Description, nil
}
