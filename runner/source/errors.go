package source

import "github.com/acb-dev/acb/runner/fault"

// inputErr builds a fault.ErrInput error; format may use %w.
func inputErr(format string, a ...any) error { return fault.Input(format, a...) }

// networkErr builds a fault.ErrNetwork error; format may use %w.
func networkErr(format string, a ...any) error { return fault.Network(format, a...) }
