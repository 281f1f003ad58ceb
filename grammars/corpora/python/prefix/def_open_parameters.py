class Handler:
    def handle(self, request, *,