package simkittest

import (
	"net/http"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/signing"
)

// AddESIM makes an eSIM known to the status and top-up calls.
func (f *PartnerFake) AddESIM(e PartnerESIM) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e.Status == "" {
		e.Status = "active"
	}
	if e.SKU == "" {
		e.SKU = PartnerSKUESIM
	}
	f.esims[e.ICCID] = &e
}

func (f *PartnerFake) handleESIMStatus(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.esims[r.PathValue("iccid")]
	if !ok {
		partnerError(w, http.StatusNotFound, "eSIM not found.")
		return
	}
	partnerOK(w, http.StatusOK, map[string]any{
		"iccid": e.ICCID, "status": e.Status, "can_renew": e.CanRenew,
		"qr_code":      "LPA:1$smdp.fake.example$" + e.ICCID,
		"data_balance": map[string]any{"total": 1024, "remaining": 512, "unit": "MB"},
		"coverage":     []string{"GB", "FR", "DE", "US"},
	}, nil, "")
}

func (f *PartnerFake) handleTopup(w http.ResponseWriter, r *http.Request) {
	ts, ok := f.checkSigned(w, r)
	if !ok {
		return
	}
	body, ok := readPartnerBody(w, r)
	if !ok {
		return
	}
	ext, extOK := bodyString(body["external_id"])
	sku, skuOK := bodyString(body["sku_uuid"])
	iccid := r.PathValue("iccid")
	if !f.signer.Equal(r.Header.Get(signing.HeaderSignature), ts, iccid, ext) {
		partnerError(w, http.StatusUnauthorized, "Invalid signature.")
		return
	}
	if !externalIDValid(w, ext, extOK) {
		return
	}
	if !skuOK {
		validationError(w, "sku_uuid", "The sku uuid must be a string.")
		return
	}
	f.mu.Lock()
	e, found := f.esims[iccid]
	var canRenew bool
	if found {
		canRenew = e.CanRenew
		if sku == "" {
			sku = e.SKU
		}
	}
	f.mu.Unlock()
	switch {
	case !found:
		partnerError(w, http.StatusNotFound, "eSIM not found.")
	case !canRenew:
		partnerError(w, http.StatusUnprocessableEntity, "This eSIM cannot be renewed.")
	default:
		f.place(w, ext, sku, 1, decimal.NullDecimal{}, nil, iccid, "Top-up order created successfully", false)
	}
}
