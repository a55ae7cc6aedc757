package secrets_test

import (
	"fmt"
	"os"

	"github.com/acb-dev/acb/secrets"
)

func ExampleMasker() {
	m := secrets.NewMasker("hunter2!")
	fmt.Println(m.String("password=hunter2! (base64 aHVudGVyMiE=)"))

	w := m.Writer(os.Stdout)
	fmt.Fprint(w, "split across writes: hun")
	fmt.Fprint(w, "ter2!\n")
	m.Add("late-token") // discovered while running
	fmt.Fprint(w, "late-token\n")
	if err := w.Close(); err != nil {
		panic(err)
	}
	// Output:
	// password=*** (base64 ***)
	// split across writes: ***
	// ***
}
