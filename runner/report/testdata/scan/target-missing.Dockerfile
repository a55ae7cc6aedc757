FROM scratch AS base
RUN ls
FROM node:lts AS build
RUN ls
FROM nginx:stable AS final
RUN ls
