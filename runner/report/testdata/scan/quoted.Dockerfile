FROM "python:3.12-slim" AS x
FROM 'nginx:1.27'
