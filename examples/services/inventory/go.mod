module shop/inventory

go 1.19
