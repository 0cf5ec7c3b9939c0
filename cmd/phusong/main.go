// Command phusong is Phủ Sóng: the coverage information system for Vietnam's
// BHXH, BHYT and BHTN steering committees. See the README.
package main

import (
	"context"
	"os"

	"github.com/phusong/phusong/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
