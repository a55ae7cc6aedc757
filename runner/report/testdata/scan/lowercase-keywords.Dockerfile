from alpine:3.19 as Build
from build
