package simkittest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const smsVK = "/v1/user/buy/activation/russia/any/vkontakte"

func TestSMSRatingRules(t *testing.T) {
	d := decimal.RequireFromString
	for _, tt := range []struct {
		name string
		act  func(e *smsEnv, id int64)
		want string
	}{
		{"finish before the code timeout", func(e *smsEnv, id int64) {
			require.NoError(t, e.fake.DeliverSMS(id, "c", "1"))
			s, b := e.get(fmt.Sprintf("/v1/user/finish/%d", id))
			require.Equal(t, http.StatusOK, s, b)
		}, "50.5"},
		{"finished automatically", func(e *smsEnv, id int64) {
			require.NoError(t, e.fake.DeliverSMS(id, "c", "1"))
			require.NoError(t, e.fake.Expire(id))
		}, "50.4"},
		{"timeout", func(e *smsEnv, id int64) { require.NoError(t, e.fake.Expire(id)) }, "49.85"},
		{"cancel", func(e *smsEnv, id int64) { e.get(fmt.Sprintf("/v1/user/cancel/%d", id)) }, "49.9"},
		{"ban", func(e *smsEnv, id int64) { e.get(fmt.Sprintf("/v1/user/ban/%d", id)) }, "49.9"},
		{"top-up", func(e *smsEnv, _ int64) { e.fake.Charge(d("10")) }, "58"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Rating = d("50") })
			o := e.buy(smsVK)
			tt.act(e, o.ID)
			require.Equal(t, tt.want, e.fake.Rating().String())
		})
	}
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Rating = d("95") })
	e.fake.Charge(d("1"))
	require.Equal(t, "96", e.fake.Rating().String(), "96 is the maximum")
}

func TestSMSRatingZeroBlocksOrdersForADay(t *testing.T) {
	e := newSMSEnv(t, func(c *SMSFakeConfig) { c.Rating = decimal.RequireFromString("0.1") })
	o := e.buy(smsVK)
	e.get(fmt.Sprintf("/v1/user/cancel/%d", o.ID)) // -0.1: rating 0
	require.True(t, e.fake.Rating().IsZero())
	require.Equal(t, e.clock.Now().Add(SMSRatingBlock), e.fake.RatingBlockedUntil())
	s, b := e.get(smsVK)
	require.Equal(t, http.StatusBadRequest, s)
	require.Equal(t, "not enough rating", b)
	e.clock.Add(SMSRatingBlock - time.Second)
	s, _ = e.get(smsVK)
	require.Equal(t, http.StatusBadRequest, s, "still blocked a second before the day ends")
	e.clock.Add(time.Second)
	e.buy(smsVK)
	require.Equal(t, "96", e.fake.Rating().String(), "after 24 hours the rating is back to 96")
	require.True(t, e.fake.RatingBlockedUntil().IsZero())

	e.fake.SetRating(decimal.Zero)
	require.False(t, e.fake.RatingBlockedUntil().IsZero(), "setting 0 blocks")
	s, _ = e.get(smsVK)
	require.Equal(t, http.StatusBadRequest, s)
	e.fake.SetRating(decimal.NewFromInt(10))
	require.True(t, e.fake.RatingBlockedUntil().IsZero(), "a positive rating lifts the block")
	e.buy(smsVK)
}

func TestSMSLateSMS(t *testing.T) {
	e := newSMSEnv(t, nil)
	inTime := e.buy(smsVK)
	canceled := e.buy(smsVK)
	expired := e.buy(smsVK)
	for _, id := range []int64{inTime.ID, canceled.ID, expired.ID} {
		require.NoError(t, e.fake.ScheduleSMS(id, 20*time.Minute, "VK: 1", "1"))
	}
	require.NoError(t, e.fake.ScheduleSMS(inTime.ID, time.Minute, "VK: 2", "2"))
	e.get(fmt.Sprintf("/v1/user/cancel/%d", canceled.ID))
	e.clock.Add(time.Minute)
	var o smsOrderJSON
	e.getJSON(fmt.Sprintf("/v1/user/check/%d", inTime.ID), &o)
	require.Equal(t, SMSReceived, o.Status)
	require.Len(t, o.SMS, 1)
	require.Equal(t, "2", o.SMS[0].Code)
	e.clock.Add(20 * time.Minute)
	require.Equal(t, 3, e.fake.DroppedSMS(), "after the cancel and after the expiry: ignored")
	st, _ := e.fake.OrderStatus(expired.ID)
	require.Equal(t, SMSTimeout, st)
	st, _ = e.fake.OrderStatus(inTime.ID)
	require.Equal(t, SMSFinished, st)
	require.ErrorIs(t, e.fake.ScheduleSMS(1, time.Second, "x", "y"), ErrSMSOrderNotFound)
}

func TestSMSReuseKeepsSMS(t *testing.T) {
	e := newSMSEnv(t, nil)
	e.fake.SetReuseKeepsSMS(true)
	first := e.buy(smsVK + "?reuse=1")
	require.NoError(t, e.fake.DeliverSMS(first.ID, "VK: 1111", "1111"))
	e.get(fmt.Sprintf("/v1/user/finish/%d", first.ID))
	again := e.buy("/v1/user/reuse/vkontakte/" + strings.TrimPrefix(first.Phone, "+"))
	var o smsOrderJSON
	e.getJSON(fmt.Sprintf("/v1/user/check/%d", again.ID), &o)
	require.Equal(t, SMSPending, o.Status, "the old SMS is not this order's")
	require.Len(t, o.SMS, 1)
	require.Equal(t, "1111", o.SMS[0].Code)
	s, b := e.get(fmt.Sprintf("/v1/user/cancel/%d", again.ID))
	require.Equal(t, http.StatusOK, s, "an old SMS does not block the cancel: %s", b)
}

func TestSMSMaxPrices(t *testing.T) {
	e := newSMSEnv(t, nil)
	s, b, _ := e.do(http.MethodGet, "/v1/user/max-prices", smsTestToken, "")
	require.Equal(t, http.StatusOK, s)
	require.JSONEq(t, `[]`, b)
	for _, body := range []string{`{"product_name":"telegram","price":3}`, `{"product_name":"telegram","price":"3.5"}`} {
		s, b, _ = e.do(http.MethodPost, "/v1/user/max-prices", smsTestToken, body)
		require.Equal(t, http.StatusOK, s, b)
	}
	s, b, _ = e.do(http.MethodGet, "/v1/user/max-prices", smsTestToken, "")
	require.Equal(t, http.StatusOK, s)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(b), &list))
	require.Len(t, list, 1, "a second POST replaces the limit")
	require.Equal(t, "telegram", list[0]["product"])
	require.Equal(t, 3.5, list[0]["price"])
	require.Contains(t, list[0], "id")
	require.Contains(t, list[0], "created_at")

	// The account's limit caps buys with operator any (telegram costs 4).
	s, b = e.get("/v1/user/buy/activation/afghanistan/any/telegram")
	require.Equal(t, "no free phones", b)
	require.Equal(t, http.StatusOK, s)
	e.buy("/v1/user/buy/activation/afghanistan/virtual18/telegram")

	s, _, _ = e.do(http.MethodDelete, "/v1/user/max-prices", smsTestToken, `{"product_name":"telegram"}`)
	require.Equal(t, http.StatusOK, s)
	e.buy("/v1/user/buy/activation/afghanistan/any/telegram")
	s, b, _ = e.do(http.MethodDelete, "/v1/user/max-prices", smsTestToken, `{"product_name":"telegram","price":3}`)
	require.Equal(t, http.StatusNotFound, s)
	require.Equal(t, "record not found", b)

	// maxPrice on the buy itself.
	_, b = e.get("/v1/user/buy/activation/afghanistan/any/telegram?maxPrice=3.99")
	require.Equal(t, "no free phones", b)
	e.buy("/v1/user/buy/activation/afghanistan/any/telegram?maxPrice=4")

	for _, bad := range []string{`{"product_name":"nope","price":1}`, `{"price":1}`, `not json`} {
		s, b, _ = e.do(http.MethodPost, "/v1/user/max-prices", smsTestToken, bad)
		require.Equal(t, http.StatusBadRequest, s, bad)
		require.Equal(t, "no product", b)
	}
	s, _, _ = e.do(http.MethodPost, "/v1/user/max-prices", smsTestToken, `{"product_name":"telegram","price":0}`)
	require.Equal(t, http.StatusBadRequest, s)
	s, _, _ = e.do(http.MethodGet, "/v1/user/max-prices", "", "")
	require.Equal(t, http.StatusUnauthorized, s)
}
