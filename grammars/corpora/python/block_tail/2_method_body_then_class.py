        value = self.compute()
        if value:
            return value
        return None

    def other(self):
        for item in self.items:
            if item:
                yield item


class Next:
    pass
