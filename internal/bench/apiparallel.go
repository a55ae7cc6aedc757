package bench

import (
	"context"
	"errors"
	"sync"
	"time"
)

// RunPrecreated runs n containers at once in layout l like Run with
// parallel set, except that all n are created first and only then started
// together (with stagger between starts when it is not zero): it separates
// the engine's create path from its start path, and shows whether spacing
// the starts helps the engine.
func (a *APILoop) RunPrecreated(ctx context.Context, image string, cmd []string, n int, stagger time.Duration, l Layout) (err error) {
	if err := a.setUp(ctx, l); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.tearDown(context.WithoutCancel(ctx), l)) }()
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { ids[i], errs[i] = a.create(ctx, image, cmd, l) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, id := range ids {
			if id != "" {
				err = errors.Join(err, a.remove(ctx, id))
			}
		}
		return err
	}
	for i, id := range ids {
		if i > 0 && stagger > 0 {
			time.Sleep(stagger)
		}
		wg.Go(func() { errs[i] = errors.Join(a.startWait(ctx, id), a.remove(ctx, id)) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
