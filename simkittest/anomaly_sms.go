package simkittest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/shopspring/decimal"
)

// SMSOutsideBuy is an activation another client bought on the account.
type SMSOutsideBuy struct {
	// Country, Operator and Product default to "russia", "any", "vkontakte".
	Country  string `json:"country"`
	Operator string `json:"operator"`
	Product  string `json:"product"`
	// LeftOpen keeps the order open past its expiry: never timed out,
	// never refunded, never finished (an activation someone forgot).
	LeftOpen bool `json:"left_open"`
}

// SMSOutsidePayout is a vendor withdraw another client made.
type SMSOutsidePayout struct {
	// Amount is taken from the wallet named by Fee (default "unitpay");
	// Method defaults to "visa", Receiver to a test card number.
	Amount   decimal.Decimal `json:"amount"`
	Method   string          `json:"method"`
	Fee      string          `json:"fee"`
	Receiver string          `json:"receiver"`
}

// ErrOutsideCall is returned when a call made as another client (an
// outside order, top-up, buy or payout) is refused by the fake's rules (an
// unknown SKU, a used id, no balance or stock); the error says which.
var ErrOutsideCall = errors.New("simkittest: outside call refused")

// BuyOutside buys an activation as another client would, through the
// fake's own rules (balance, stock, rating), and returns its order id.
func (f *SMSFake) BuyOutside(b SMSOutsideBuy) (int64, error) {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&b.Country, "russia")
	def(&b.Operator, "any")
	def(&b.Product, "vkontakte")
	code, body := f.outside(http.MethodGet, "/v1/user/buy/activation/"+b.Country+"/"+b.Operator+"/"+b.Product, nil)
	var o struct {
		ID int64 `json:"id"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &o) != nil || o.ID == 0 {
		return 0, fmt.Errorf("%w: %d %s", ErrOutsideCall, code, strings.TrimSpace(string(body)))
	}
	if b.LeftOpen {
		f.mu.Lock()
		for _, x := range f.orders {
			if x.id == o.ID {
				x.stuck = true
			}
		}
		f.mu.Unlock()
	}
	return o.ID, nil
}

// WithdrawOutside makes a vendor payout as another client would.
func (f *SMSFake) WithdrawOutside(p SMSOutsidePayout) error {
	if p.Method == "" {
		p.Method = "visa"
	}
	if p.Fee == "" {
		p.Fee = "unitpay"
	}
	if p.Receiver == "" {
		p.Receiver = "4111111111111111"
	}
	body, _ := json.Marshal(map[string]string{"receiver": p.Receiver, "method": p.Method, "amount": p.Amount.String(), "fee": p.Fee})
	if code, out := f.outside(http.MethodPost, "/v1/vendor/withdraw", body); code != http.StatusOK {
		return fmt.Errorf("%w: %d %s", ErrOutsideCall, code, strings.TrimSpace(string(out)))
	}
	return nil
}

// outside sends a request to the fake as another client holding the
// account's token.
func (f *SMSFake) outside(method, path string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}
