def f(finish, resolution):
    return finish oresolution
