package simkittest

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"
)

func (f *SMSFake) handleVendorProfile(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, f.smsProfile())
}

func (f *SMSFake) handleWallets(w http.ResponseWriter, _ *http.Request) {
	out := map[string]json.Number{}
	for k, v := range f.cfg.Wallets {
		out[k] = smsNum(v)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleVendorOrders answers the vendor's sales history; the fake sells
// nothing as a vendor, so it is always an empty page of the right shape.
func (f *SMSFake) handleVendorOrders(w http.ResponseWriter, r *http.Request) {
	cat := r.URL.Query().Get("category")
	if cat != "" && cat != smsActivation && cat != smsHosting {
		smsError(w, "bad category")
		return
	}
	if _, _, msg := smsPage(r.URL.Query(), 0); msg != "" {
		smsError(w, msg)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"Data": []any{}, "ProductNames": []any{}, "Statuses": []any{}, "Total": 0})
}

func (f *SMSFake) handleVendorPayments(w http.ResponseWriter, r *http.Request) {
	page, msg := smsPaymentsPage(r.URL.Query(), f.vendor, true)
	writeSMSPage(w, page, msg)
}

// smsWithdrawMethods are the payout methods the API lists for withdraw.
var smsWithdrawMethods = map[string]bool{"visa": true, "qiwi": true, "yandex": true}

// handleWithdraw creates a payout from a wallet: it validates the JSON body,
// takes the amount from the wallet named by fee and records a vendor payment.
func (f *SMSFake) handleWithdraw(w http.ResponseWriter, r *http.Request) {
	var in struct{ Receiver, Method, Amount, Fee string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		smsError(w, "bad request")
		return
	}
	amount, err := decimal.NewFromString(in.Amount)
	wallet, ok := f.cfg.Wallets[in.Fee]
	switch {
	case in.Receiver == "":
		smsError(w, "bad receiver")
	case !smsWithdrawMethods[in.Method]:
		smsError(w, "bad method")
	case !ok:
		smsError(w, "bad fee")
	case err != nil || !amount.IsPositive():
		smsError(w, "bad amount")
	case wallet.LessThan(amount):
		smsError(w, "not enough user balance")
	default:
		f.cfg.Wallets[in.Fee] = wallet.Sub(amount)
		f.vendor = append(f.vendor, smsPayment{
			ID: f.nextPay, TypeName: "withdraw", ProviderName: in.Fee,
			Amount: amount.Neg(), Balance: f.cfg.Wallets[in.Fee],
			CreatedAt: f.cfg.Now(), Status: "pending",
		})
		f.nextPay++
		w.WriteHeader(http.StatusOK)
	}
}

// Wallet returns the vendor reserve of one payment system (fkwallet, payeer, unitpay).
func (f *SMSFake) Wallet(name string) decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg.Wallets[name]
}
