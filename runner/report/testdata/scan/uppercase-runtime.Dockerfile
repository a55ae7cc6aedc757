FROM golang:1.22 AS build
FROM MyOrg/App:1
