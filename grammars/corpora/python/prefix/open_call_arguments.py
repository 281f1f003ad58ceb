import math

result = math.hypot(1, 2,