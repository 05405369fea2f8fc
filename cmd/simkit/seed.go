package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"
	"github.com/simkit/simkit/simkittest"
)

// seed is the JSON file `simkit fakes --seed` reads: what the fakes start
// with (and go back to on reset). Every field is optional; unknown fields
// are an error, so a typo does not silently keep a default.
type seed struct {
	Partner struct {
		Balance          *decimal.Decimal `json:"balance"`
		Currency         string           `json:"currency"`
		Products         int              `json:"products"`
		ManualCompletion bool             `json:"manual_completion"`
		AllowOverdraft   bool             `json:"allow_overdraft"`
		OverdraftLimit   *decimal.Decimal `json:"overdraft_limit"`
		WebhookURL       string           `json:"webhook_url"`
		// WebhookRetryDelays default to the provider's 10s and 100s.
		WebhookRetryDelays []duration `json:"webhook_retry_delays"`
	} `json:"partner"`
	SMS struct {
		Balance       *decimal.Decimal `json:"balance"`
		OrderLifetime duration         `json:"order_lifetime"`
		DeliverAfter  duration         `json:"deliver_after"`
		DeliverText   string           `json:"deliver_text"`
		DeliverCode   string           `json:"deliver_code"`
		RateLimit     int              `json:"rate_limit"`
	} `json:"smsnumbers"`
	ESIMStory struct {
		Options       []string `json:"options"`
		WebhookURL    string   `json:"webhook_url"`
		WebhookToken  string   `json:"webhook_token"`
		AutoDeliver   bool     `json:"auto_deliver"`
		DeliveryDelay duration `json:"delivery_delay"`
	} `json:"esimstory"`
	Topups struct {
		Balance        *decimal.Decimal `json:"balance"`
		TokenLimit     int              `json:"token_limit"`
		RenewalUsers   []string         `json:"renewal_users"`
		TrialUsers     []string         `json:"trial_users"`
		AcceptAnyEmail bool             `json:"accept_any_email"`
	} `json:"topups"`
}

// duration is a time.Duration written as a Go duration string ("250ms").
type duration time.Duration

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"250ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

// loadSeed reads the seed file at path into a fakes configuration.
func loadSeed(path string) (simkittest.Config, error) {
	var cfg simkittest.Config
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("--seed: %w", err)
	}
	var s seed
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return cfg, fmt.Errorf("--seed %s: %w", path, err)
	}
	return s.config(), nil
}

// config turns the seed into the fakes' configuration.
func (s seed) config() simkittest.Config {
	var cfg simkittest.Config
	p := &cfg.Partner
	p.Balance, p.Currency, p.Products = orZero(s.Partner.Balance), s.Partner.Currency, s.Partner.Products
	p.ManualCompletion, p.AllowOverdraft, p.OverdraftLimit = s.Partner.ManualCompletion, s.Partner.AllowOverdraft, orZero(s.Partner.OverdraftLimit)
	p.WebhookURL = s.Partner.WebhookURL
	for _, d := range s.Partner.WebhookRetryDelays {
		p.WebhookRetryDelays = append(p.WebhookRetryDelays, time.Duration(d))
	}
	m := &cfg.SMS
	m.Balance, m.OrderLifetime, m.DeliverAfter = orZero(s.SMS.Balance), time.Duration(s.SMS.OrderLifetime), time.Duration(s.SMS.DeliverAfter)
	m.DeliverText, m.DeliverCode, m.RateLimit = s.SMS.DeliverText, s.SMS.DeliverCode, s.SMS.RateLimit
	e := &cfg.ESIMStory
	e.Options, e.WebhookURL, e.WebhookToken = s.ESIMStory.Options, s.ESIMStory.WebhookURL, s.ESIMStory.WebhookToken
	e.AutoDeliver, e.DeliveryDelay = s.ESIMStory.AutoDeliver, time.Duration(s.ESIMStory.DeliveryDelay)
	t := &cfg.Topups
	t.Balance, t.TokenLimit = orZero(s.Topups.Balance), s.Topups.TokenLimit
	t.RenewalUsers, t.TrialUsers, t.AcceptAnyEmail = s.Topups.RenewalUsers, s.Topups.TrialUsers, s.Topups.AcceptAnyEmail
	return cfg
}

func orZero(d *decimal.Decimal) decimal.Decimal {
	if d == nil {
		return decimal.Decimal{}
	}
	return *d
}
