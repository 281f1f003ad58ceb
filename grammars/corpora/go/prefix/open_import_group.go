package p

import (
	"fmt"
	"os"
