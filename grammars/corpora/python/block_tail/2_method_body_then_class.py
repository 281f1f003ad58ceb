        return self.value

    def other(self):
        pass


class Next:
    pass
