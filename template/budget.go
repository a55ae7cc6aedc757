package template

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"text/template"
	"time"

	"github.com/acb-dev/acb/internal/diag"
)

// DefaultRenderTimeout bounds a render when RenderOptions.Timeout is zero.
// Real task files render in milliseconds; this only stops a template that
// loops (nested ranges, recursive template calls, bcrypt in a loop).
const DefaultRenderTimeout = 30 * time.Second

// ErrRenderTimeout is wrapped by the error of a render that takes longer
// than its time limit (RenderOptions.Timeout).
var ErrRenderTimeout = errors.New("rendering took too long")

// slowFuncs are the Sprig functions that can take a noticeable time per
// call (key generation, password hashing); each checks the budget first.
var slowFuncs = []string{
	"bcrypt", "htpasswd", "derivePassword", "genPrivateKey", "genCA", "genCAWithKey",
	"genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
	"encryptAES", "decryptAES",
}

// budget is the time a render may take. text/template cannot be stopped
// from outside, so the instrumented template calls tick on every range
// iteration and before every template call, and the slow functions check
// it before they run.
type budget struct {
	ctx      context.Context
	sm       *sourceMap
	timeout  time.Duration
	deadline time.Time
	err      error // the positioned error of the tick that stopped the render
}

func newBudget(ctx context.Context, sm *sourceMap, timeout time.Duration) *budget {
	if timeout <= 0 {
		timeout = DefaultRenderTimeout
	}
	return &budget{ctx: ctx, sm: sm, timeout: timeout, deadline: time.Now().Add(timeout)}
}

// check returns the context's error or a timeout error.
func (b *budget) check() error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if time.Now().After(b.deadline) {
		return fmt.Errorf("%w: stopped after %s", ErrRenderTimeout, b.timeout)
	}
	return nil
}

// tick is the function the instrumented template calls; pos is the template
// offset of the range or template call, so the error names its line.
func (b *budget) tick(pos int) (string, error) {
	err := b.check()
	if err != nil && b.ctx.Err() == nil {
		b.err = diag.Errorf(b.sm.pos(pos), "", "template: %v: this range or template call repeats too long", err)
	}
	return "", err
}

// guardSlow wraps the slow functions of fm so that each checks the budget
// before it runs. A failed check panics with the error, which text/template
// turns into an error of the call, positioned at the action.
func guardSlow(fm template.FuncMap, b *budget) {
	for _, name := range slowFuncs {
		f, ok := fm[name]
		if !ok {
			continue
		}
		v := reflect.ValueOf(f)
		fm[name] = reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
			if err := b.check(); err != nil {
				panic(err)
			}
			if v.Type().IsVariadic() {
				return v.CallSlice(args)
			}
			return v.Call(args)
		}).Interface()
	}
}
