package simkittest_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
	"github.com/stretchr/testify/require"
)

// customerJourney is every provider's main journey, through rt. It returns
// what the SDK decoded (to compare record and replay) and every customer
// value it saw, which must never reach a fixture. deliver makes the SMS
// arrive (on the fake while recording; nothing on replay).
func customerJourney(t *testing.T, env *simkittest.Env, rt http.RoundTripper, deliver func(id int64)) (decoded, seen []string) {
	t.Helper()
	ctx := context.Background()
	p, err := partner.New(env.PartnerOptions, func(o *partner.Options) { o.Transport = rt })
	require.NoError(t, err)
	voucher, err := p.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "CUST-V1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUVoucher, Quantity: 2}})
	require.NoError(t, err)
	esim, err := p.CreateOrder(ctx, partner.CreateOrderParams{ExternalID: "CUST-E1", Item: partner.OrderItemParams{SKUID: simkittest.PartnerSKUESIM}})
	require.NoError(t, err)
	for _, o := range []*partner.Order{voucher, esim} {
		for _, d := range o.Items[0].DeliveryData {
			seen = append(seen, d.PIN, d.SerialNumber, d.QRCode)
			decoded = append(decoded, d.PIN, d.SerialNumber, d.QRCode)
		}
	}
	// The delivered ICCID is passed on: on replay it is the placeholder.
	iccid := esim.Items[0].DeliveryData[0].SerialNumber
	st, err := p.GetESIMStatus(ctx, iccid)
	require.NoError(t, err)
	seen = append(seen, st.QRCode)
	decoded = append(decoded, st.ICCID, st.QRCode)
	_, err = p.TopupESIM(ctx, simkittest.PartnerICCID, partner.TopupESIMParams{ExternalID: "CUST-T1"})
	require.NoError(t, err)

	sms, err := smsnumbers.New(env.SMSOptions, func(o *smsnumbers.Options) { o.Transport = rt })
	require.NoError(t, err)
	prof, err := sms.Profile(ctx)
	require.NoError(t, err)
	seen = append(seen, prof.Email)
	order, err := sms.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: "any", Product: "vkontakte"})
	require.NoError(t, err)
	deliver(order.ID)
	checked, err := sms.Check(ctx, order.ID)
	require.NoError(t, err)
	require.Len(t, checked.SMS, 1)
	_, err = sms.Finish(ctx, order.ID)
	require.NoError(t, err)
	seen = append(seen, order.Phone, strings.TrimPrefix(order.Phone, "+"))
	decoded = append(decoded, prof.Email, order.Phone, checked.SMS[0].Code)

	es, err := esimstory.New(env.ESIMStoryOptions, func(o *esimstory.Options) { o.Transport = rt })
	require.NoError(t, err)
	eo, err := es.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "CUST-S1", Products: []esimstory.OrderProductParams{{OptionID: simkittest.ESIMStoryOptionA, Qty: 1}}})
	require.NoError(t, err)
	decoded = append(decoded, eo.TopupIDs()...)

	tp, err := topups.New(env.TopupsOptions, func(o *topups.Options) { o.Transport = rt })
	require.NoError(t, err)
	pkgs, err := tp.TopupPackages(ctx, simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	_, err = tp.SubmitTopup(ctx, topups.SubmitTopupParams{PackageID: pkgs.Packages[0].ID, ICCID: simkittest.TopupsSeedICCID, Reference: "customer 42"})
	require.NoError(t, err)
	page, err := tp.ListOrders(ctx, topups.ListOrdersParams{Include: []topups.Include{topups.IncludeSIMs, topups.IncludeUser}})
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	_, err = tp.RenewNumber(ctx, topups.RenewNumberParams{Email: "user@example.com"})
	require.NoError(t, err)
	decoded = append(decoded, strconv.Itoa(len(page.Items)), pkgs.Packages[0].ID)
	return decoded, seen
}

func TestRecordingsKeepNoCustomerData(t *testing.T) {
	env := simkittest.New(t)
	path := filepath.Join(t.TempDir(), "customer.json")
	rec := simkittest.NewRecorder(path, nil)
	recorded, seen := customerJourney(t, env, rec, func(id int64) {
		require.NoError(t, env.SMS.DeliverSMS(id, "VK: 09363", "09363"))
	})
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	fixture := string(raw)

	// Everything sensitive the fakes hold or sent, plus what the SDK saw.
	sensitive := append(seen, simkittest.PartnerICCID, simkittest.TopupsSeedICCID,
		"user@example.com", "partner@example.com", "Fake Partner", "78009005040")
	for _, o := range env.Partner.Orders() {
		for _, it := range o.Items {
			for _, d := range it.Delivery {
				sensitive = append(sensitive, d.PIN, d.SerialNumber, d.QRCode)
			}
		}
	}
	for _, u := range env.ESIMStory.Units("CUST-S1") {
		sensitive = append(sensitive, u.ICCID, u.ActivateCode, u.DownloadLink, u.QRCodeImgURL)
	}
	checked := 0
	for _, v := range sensitive {
		if len(v) < 4 {
			continue
		}
		checked++
		for _, enc := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			require.NotContains(t, fixture, enc, "customer value %q reached the fixture", v)
		}
	}
	require.Greater(t, checked, 15, "the journey saw customer data to hide")
	require.Contains(t, fixture, "CUST-V1", "order ids are not customer data")
	require.Contains(t, fixture, "customer-1@example.invalid")
	require.Contains(t, fixture, "Steam Wallet 10 USD", "product names are not people's names")

	// Replay: the same journey decodes the same placeholders, with the
	// delivered ICCID passed on, and every exchange is used.
	rp, err := simkittest.NewReplayer(path)
	require.NoError(t, err)
	replayed, _ := customerJourney(t, simkittest.New(t), rp, func(int64) {})
	require.Empty(t, rp.Unused())
	// Placeholders are stable: a second replay decodes the same values.
	rp2, err := simkittest.NewReplayer(path)
	require.NoError(t, err)
	again, _ := customerJourney(t, simkittest.New(t), rp2, func(int64) {})
	require.Equal(t, replayed, again)
	require.Len(t, replayed, len(recorded))
	for i := range recorded {
		if recorded[i] != replayed[i] {
			require.NotContains(t, fixture, recorded[i], "only customer data differs on replay")
		}
	}
}

func TestRecorderKeepAllowsAField(t *testing.T) {
	env := simkittest.New(t)
	path := filepath.Join(t.TempDir(), "keep.json")
	rec := simkittest.NewRecorder(path, nil)
	rec.Keep = []string{simkittest.KindICCID, "serial_number"}
	tp, err := topups.New(env.TopupsOptions, func(o *topups.Options) { o.Transport = rec })
	require.NoError(t, err)
	_, err = tp.TopupPackages(context.Background(), simkittest.TopupsSeedICCID)
	require.NoError(t, err)
	_, err = tp.RenewNumber(context.Background(), topups.RenewNumberParams{Email: "user@example.com"})
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(raw), simkittest.TopupsSeedICCID, "kept")
	require.NotContains(t, string(raw), "user@example.com", "not kept")
}
