module mapamp

go 1.19
