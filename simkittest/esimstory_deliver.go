package simkittest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// ErrUnknownTopup is returned by Deliver for a topup_id the fake never
// issued, and by DeliverAll for an unknown external_order_id.
var ErrUnknownTopup = errors.New("simkittest: unknown eSIM Story topup or order")

// ErrNoWebhookTarget is returned by the eSIM Story fake's Deliver and the
// Partner fake's Announce when no webhook URL or handler is configured.
var ErrNoWebhookTarget = errors.New("simkittest: no webhook URL or handler configured")

// esimDeliveryBody is the documented delivery webhook body, fields in the
// documented order, every one a string.
type esimDeliveryBody struct {
	TopupID         string `json:"topup_id"`
	OptionID        string `json:"option_id"`
	ICCID           string `json:"iccid"`
	SMDP            string `json:"smdp"`
	ActivateCode    string `json:"activate_code"`
	DownloadLink    string `json:"download_link"`
	QRCodeImgURL    string `json:"qrcode_img_url"`
	ExpiredDate     string `json:"expired_date"`
	ExternalOrderID string `json:"external_order_id"`
}

// SetWebhookURL sends later deliveries to u (replacing any handler).
func (f *ESIMStoryFake) SetWebhookURL(u string) {
	f.setTarget(webhookTarget{url: u})
}

// SetWebhookHandler sends later deliveries to h in-process.
func (f *ESIMStoryFake) SetWebhookHandler(h http.Handler) {
	f.setTarget(webhookTarget{handler: h})
}

func (f *ESIMStoryFake) setTarget(t webhookTarget) {
	if f.cfg.WebhookToken != "" {
		t.query = url.Values{f.cfg.WebhookTokenParam: {f.cfg.WebhookToken}}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = t
}

// Deliveries returns every webhook sent so far, in order.
func (f *ESIMStoryFake) Deliveries() []ESIMStoryDelivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ESIMStoryDelivery(nil), f.deliveries...)
}

// Deliver sends the webhook for one unit (again, if it was delivered
// before: the provider may repeat itself). It returns an error when the
// receiver did not answer 2xx; the unit counts as delivered only on 2xx.
func (f *ESIMStoryFake) Deliver(topupID string) error {
	f.mu.Lock()
	u, ok := f.units[topupID]
	target := f.hook
	var body []byte
	if ok {
		body, _ = json.Marshal(esimDeliveryBody{
			TopupID: u.TopupID, OptionID: u.OptionID, ICCID: u.ICCID, SMDP: u.SMDP,
			ActivateCode: u.ActivateCode, DownloadLink: u.DownloadLink,
			QRCodeImgURL: u.QRCodeImgURL, ExpiredDate: u.ExpiredDate,
			ExternalOrderID: u.ExternalOrderID,
		})
	}
	f.mu.Unlock()
	if !ok {
		return ErrUnknownTopup
	}
	if target.empty() {
		return ErrNoWebhookTarget
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if f.cfg.WebhookBasicUser != "" || f.cfg.WebhookBasicPassword != "" {
		cred := f.cfg.WebhookBasicUser + ":" + f.cfg.WebhookBasicPassword
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
	}
	ctx, cancel := untilClosed(f.done)
	defer cancel()
	code, err := target.send(ctx, f.cfg.WebhookClient, h, body)
	f.mu.Lock()
	f.deliveries = append(f.deliveries, ESIMStoryDelivery{TopupID: topupID, Code: code, Err: err})
	if err == nil && code/100 == 2 {
		u.Delivered = true
	}
	f.mu.Unlock()
	if err != nil {
		return err
	}
	if code/100 != 2 {
		return fmt.Errorf("simkittest: webhook receiver answered %d", code)
	}
	return nil
}

// DeliverAll sends the webhook of every not yet delivered unit of
// externalOrderID, one per unit, and returns the first error.
func (f *ESIMStoryFake) DeliverAll(externalOrderID string) error {
	f.mu.Lock()
	units, ok := f.orders[externalOrderID]
	var ids []string
	for _, u := range units {
		if !u.Delivered && !u.withheld {
			ids = append(ids, u.TopupID)
		}
	}
	f.mu.Unlock()
	if !ok {
		return ErrUnknownTopup
	}
	var first error
	for _, id := range ids {
		if err := f.Deliver(id); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// autoDeliver delivers every unit of an order after DeliveryDelay in the
// background (AutoDeliver mode); Close cancels a pending delivery.
func (f *ESIMStoryFake) autoDeliver(externalOrderID string) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		after := f.cfg.After
		if after == nil {
			after = time.After
		}
		select {
		case <-after(f.cfg.DeliveryDelay):
			_ = f.DeliverAll(externalOrderID)
		case <-f.done:
		}
	}()
}

// Flush waits for pending automatic deliveries.
func (f *ESIMStoryFake) Flush() { f.wg.Wait() }

// Close cancels pending automatic deliveries and waits for them.
func (f *ESIMStoryFake) Close() {
	f.once.Do(func() { close(f.done) })
	f.wg.Wait()
}
