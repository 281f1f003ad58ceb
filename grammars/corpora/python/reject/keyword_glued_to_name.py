total = price andtax
