package smsnumbers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// An activation from buy to code: the number is finished once the code is
// in, or canceled (and refunded) when none comes by the deadline.
func ExampleActivations_Activate() {
	fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: "your-token", DeliverAfter: 10 * time.Millisecond})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, _ := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL = srv.URL
		o.Token = signing.NewSecret("your-token")
	})
	acts := c.Activations(func(o *smsnumbers.ActivationsOptions) { o.PollInterval = 5 * time.Millisecond })
	ctx := context.Background()

	a, err := acts.Activate(ctx, smsnumbers.ActivateParams{
		Buy:        smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"},
		Deadline:   time.Minute,
		AutoFinish: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sms, err := a.WaitForCode(ctx)
	if errors.Is(err, smsnumbers.ErrNoCode) {
		fmt.Println("no code; number canceled:", a.State())
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sms.Code, a.State(), fake.Balance())
	// Output: 123456 finished 79
}

// Sweep at start-up closes what a crashed process left open.
func ExampleActivations_Sweep() {
	fake := simkittest.NewSMSFake(simkittest.SMSFakeConfig{Token: "your-token"})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, _ := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL = srv.URL
		o.Token = signing.NewSecret("your-token")
	})
	ctx := context.Background()
	// A number bought by a process that died before closing it.
	o, _ := c.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"})

	rep, err := c.Activations().Sweep(ctx, smsnumbers.SweepParams{Grace: time.Nanosecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Canceled[0] == o.ID, fake.Balance())
	// Output: true 100
}
