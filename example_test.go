package simkit_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
)

// New wires the providers you configure; the others stay nil and answer
// ErrNotConfigured. Here the partner fake stands in for the real API.
func ExampleNew() {
	env, err := simkittest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()

	c, err := simkit.New(
		simkit.WithPartner(func(o *partner.Options) {
			o.BaseURL = env.Config.PartnerURL // your provider's URL in production
			o.Token = signing.NewSecret(simkittest.FakePartnerToken)
			o.Secret = signing.NewSecret(simkittest.FakePartnerSecret)
		}),
		simkit.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))),
		simkit.WithTimeout(10*time.Second),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := c.Partner.Balance(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("balance:", b.Balance.StringFixed(2), b.Currency)

	_, err = c.SMS.Profile(context.Background())
	fmt.Println("sms not configured:", errors.Is(err, simkit.ErrNotConfigured))
	// Output:
	// balance: 1000.00 USD
	// sms not configured: true
}

// FromEnv configures every provider whose SIMKIT_* variables are set, and
// names what is missing when a provider is set up only in part.
func ExampleFromEnv() {
	os.Setenv(simkit.EnvPartnerToken, "tok")
	defer os.Unsetenv(simkit.EnvPartnerToken)

	_, err := simkit.FromEnv()
	fmt.Println(errors.Is(err, simkit.ErrNotConfigured))
	fmt.Println(err)
	// Output:
	// true
	// simkit partner: configured in part from the environment: set SIMKIT_PARTNER_BASE_URL, SIMKIT_PARTNER_SECRET
}
