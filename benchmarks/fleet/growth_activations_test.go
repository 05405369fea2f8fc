package fleet

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
)

// activationSpacing is the time between two buys of one account on the
// fill's clock: a steady 60 buys an hour per account, so 100k buys over
// the accounts span 4.3 days, inside the ledger's retention, as a real
// account's would. (The buy tells the activation which ledger entry it
// wrote; before it did, each activation walked the account's entries of
// the ten minutes before its order, and a burst of 3000 buys took ~30 ms
// each.)
const activationSpacing = time.Minute

// smsActivationsRT is an SMS provider answering in memory: every buy a
// new order, made activationSpacing after the one before by the fill's
// clock (now), every finish that order finished; the orders history is
// empty.
type smsActivationsRT struct {
	base  time.Time
	ticks atomic.Int64
}

// now is the fill's clock: base plus activationSpacing per buy so far.
func (rt *smsActivationsRT) now() time.Time {
	return rt.base.Add(time.Duration(rt.ticks.Load()) * activationSpacing)
}

func (rt *smsActivationsRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	path := r.URL.Path
	id := rt.ticks.Load()
	if strings.Contains(path, "/buy/activation/") {
		id = rt.ticks.Add(1)
	}
	now := rt.now().UTC()
	order := func(id int64, status string) []byte {
		return fmt.Appendf(nil, `{"id":%d,"phone":"+79000000000","operator":"beeline","product":"telegram","price":21,"status":%q,"expires":%q,"sms":null,"created_at":%q,"forwarding":false,"forwarding_number":"","country":"russia"}`,
			id, status, now.Add(15*time.Minute).Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	switch {
	case strings.Contains(path, "/buy/activation/"):
		return answer(r, http.StatusOK, order(id, "PENDING")), nil
	case strings.Contains(path, "/finish/"), strings.Contains(path, "/check/"):
		id, err := strconv.ParseInt(path[strings.LastIndexByte(path, '/')+1:], 10, 64)
		if err != nil {
			return answer(r, http.StatusBadRequest, []byte(`"bad id"`)), nil
		}
		status := "FINISHED"
		if strings.Contains(path, "/check/") {
			status = "PENDING"
		}
		return answer(r, http.StatusOK, order(id, status)), nil
	case strings.Contains(path, "/orders"):
		return answer(r, http.StatusOK, []byte(`[]`)), nil
	}
	return answer(r, http.StatusNotFound, []byte(`"no such route"`)), nil
}

// activationAccounts is how many SMS accounts the activations are spread
// over. Every activation takes its account's one Store lock twice (the
// journal's index of open activations, polled every 5 ms when taken), so
// one account's activations are serial across a fleet; spread over
// accounts the fill runs in parallel. Each journal entry is a key of its
// own whatever the account, so the bytes per entry are the same.
const activationAccounts = 16

// activationGrowth is the SMS activation journal: each entry one
// activation bought through an Activations manager and finished, as a
// code that came would be, spread over activationAccounts accounts.
// Bytes count the journal's keys only (the buy's ledger entry is the
// ledger row's kind of record). No pass walks them: Sweep reads the
// journal's index of open activations, and a finished activation leaves
// it, so the journal is read by order id only.
func activationGrowth() growthKind {
	return growthKind{name: "activations", workers: activationAccounts, open: func(tb testing.TB, st *redisstore.Store, _ time.Time, _ int) growthRecords {
		managers := make([]*smsnumbers.Activations, activationAccounts)
		var match []string
		for a := range managers {
			rt := &smsActivationsRT{base: time.Now()}
			c, err := smsnumbers.New(func(o *smsnumbers.Options) {
				o.Token = signing.NewSecret(fmt.Sprintf("bench-sms-token-%d", a))
				o.Transport = rt
				o.Now = rt.now
				o.Store = st
				o.Limiter = option.NoLimit
			})
			if err != nil {
				tb.Fatal(err)
			}
			// The journal lives in the ledger's namespace of the account.
			match = append(match, c.Ledger().Prefix()+"act:*")
			managers[a] = c.Activations(func(o *smsnumbers.ActivationsOptions) { o.Owner = "bench" })
		}
		return growthRecords{
			match: match,
			fill: func(ctx context.Context, i int) error {
				a, err := managers[i%activationAccounts].Activate(ctx, smsnumbers.ActivateParams{
					Buy: smsnumbers.BuyActivationParams{Country: "russia", Operator: "beeline", Product: "telegram"}})
				if err != nil {
					return err
				}
				return a.Finish(ctx)
			},
		}
	}}
}
