FROM node:15-alpine
CMD ["node"]
