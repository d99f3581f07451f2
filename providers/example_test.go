package providers_test

import (
	"fmt"

	"github.com/tokenscope/tokenscope/providers"
)

func ExampleApplyPreset() {
	p, err := providers.ApplyPreset(providers.Provider{Name: "payouts", Preset: "momo", Product: "disbursement", ClientID: "api-user"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.TokenURL, p.ClientAuth, p.GrantIn, p.HeaderNames())
	// Output: https://sandbox.momodeveloper.mtn.com/disbursement/token/ basic none [Ocp-Apim-Subscription-Key]
}
