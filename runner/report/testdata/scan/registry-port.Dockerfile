FROM localhost:5000/tools/builder AS b
FROM localhost/base:1 AS c
FROM myregistry.azurecr.io/baseimages/node:9 AS d
FROM myorg/img AS e
FROM localhost:5000/app
