# just a comment
RUN echo no base
CMD ["true"]
